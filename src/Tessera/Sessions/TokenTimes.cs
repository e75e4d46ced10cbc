namespace Tessera.Sessions;

/// <summary>
/// The one rule for a token's times (<c>iat</c>, <c>nbf</c>, <c>exp</c>), for Tessera's own tokens and self-signed
/// ones alike, on the synchronous and the loading path of <see cref="SessionTokenVerifier"/>. Each time is bounded
/// before any arithmetic: a token is signed by whoever holds a secret, so its numbers are attacker input.
/// </summary>
public static class TokenTimes
{
    /// <summary>The earliest time a token may name: the Unix epoch.</summary>
    public const long MinSeconds = 0;

    /// <summary>
    /// The latest time a token may name: 9999-01-01T00:00:00Z. A year short of what <see cref="DateTimeOffset"/> can
    /// hold, so adding the clock skew or a retention period to a bounded time never overflows.
    /// </summary>
    public const long MaxSeconds = 253_370_764_800;

    public static bool InRange(long seconds) => seconds is >= MinSeconds and <= MaxSeconds;

    /// <summary>
    /// Decides whether a token with these times is valid at <paramref name="now"/>: every time within
    /// [<see cref="MinSeconds"/>, <see cref="MaxSeconds"/>], <c>exp</c> after <c>iat</c>, at most
    /// <paramref name="maxLifetimeSeconds"/> between them when given, not expired and not yet valid only within
    /// <paramref name="skewSeconds"/>. <see cref="TokenRejection.None"/> when valid.
    /// </summary>
    public static TokenRejection Check(long issuedAt, long notBefore, long expiresAt, long now, long skewSeconds, long? maxLifetimeSeconds)
    {
        if (!InRange(issuedAt) || !InRange(notBefore) || !InRange(expiresAt) || !InRange(now)) return TokenRejection.Claims;
        if (skewSeconds is < 0 or > 86_400) throw new ArgumentOutOfRangeException(nameof(skewSeconds));
        // Bounded above, nothing below can overflow; checked anyway, so a mistake here is an exception, never a wrap.
        checked
        {
            if (expiresAt <= issuedAt) return TokenRejection.Claims;
            // Valid from after it expires: a token no one meant to be used (the reference validators refuse it too).
            if (notBefore > expiresAt) return TokenRejection.Claims;
            if (maxLifetimeSeconds is { } max && expiresAt - issuedAt > max) return TokenRejection.Claims;
            if (now >= expiresAt + skewSeconds) return TokenRejection.Expired;
            if (now < Math.Max(issuedAt, notBefore) - skewSeconds) return TokenRejection.NotYetValid;
        }
        return TokenRejection.None;
    }
}
