namespace Tessera.Sessions;

/// <summary>Why a token was refused. Only for logs and tests: clients always get the same 401.</summary>
public enum TokenRejection
{
    None,
    Malformed,
    Algorithm,
    UnknownKey,
    RetiredKey,
    Signature,
    Claims,
    Issuer,
    Audience,
    Expired,
    NotYetValid,
    Revoked,
}

public readonly record struct TokenVerification(SessionClaims? Claims, TokenRejection Rejection)
{
    public bool IsValid => Claims is not null;
    public static TokenVerification Fail(TokenRejection why) => new(null, why);
}

/// <summary>How <see cref="SessionTokenVerifier.TryVerify(ReadOnlySpan{char}, out TokenVerification)"/> ended.</summary>
public enum TokenCheck
{
    /// <summary>Every check passed.</summary>
    Valid,
    /// <summary>A check failed: see the <see cref="TokenRejection"/>.</summary>
    Rejected,
    /// <summary>The key, signing secret or profile the token names is not in memory yet: <see cref="SessionTokenVerifier.VerifyAsync"/> loads it.</summary>
    NotCached,
}

/// <summary>
/// What a verified token says, as a view over the buffer it was read into: valid only while that buffer is.
/// <see cref="ToClaims"/> materializes it as a <see cref="SessionClaims"/> (strings) for code that keeps it.
/// </summary>
internal ref struct VerifiedToken
{
    public SessionKind Kind { get; init; }
    public Guid SessionId { get; init; }
    public ReadOnlySpan<char> ProfileId { get; init; }
    /// <summary>The environment of the key or secret that signed the token (the token's <c>eid</c> must match it).</summary>
    public string EnvironmentId { get; init; }
    /// <summary>The passwordless client (<c>cid</c>), when <see cref="HasClientId"/>.</summary>
    public ReadOnlySpan<char> ClientId { get; init; }
    public bool HasClientId { get; init; }
    public ReadOnlySpan<char> IssuedBy { get; init; }
    public long IssuedAt { get; init; }
    public long NotBefore { get; init; }
    public long ExpiresAt { get; init; }
    public string KeyId { get; init; }
    /// <summary>A self-signed token's own <c>jti</c>, when <see cref="HasTokenId"/>.</summary>
    public ReadOnlySpan<char> TokenId { get; init; }
    public bool HasTokenId { get; init; }

    // Strings the verifier already held (a profile from the directory, a secret's id), reused instead of copied.
    internal string? ProfileIdString { get; init; }
    internal string? IssuedByString { get; init; }

    /// <summary>The claims as strings, for code that keeps them beyond the buffer.</summary>
    public readonly SessionClaims ToClaims() => ToClaims(null);

    internal readonly SessionClaims ToClaims(ProfileDirectory? directory) => new()
    {
        SessionId = SessionId,
        // A profile the directory knows already has its id as a string: reuse it.
        ProfileId = ProfileIdString ?? (directory is not null && directory.TryGetCached(ProfileId, out var entry) ? entry.ProfileId : ProfileId.ToString()),
        EnvironmentId = EnvironmentId,
        ClientId = HasClientId ? ClientId.ToString() : null,
        IssuedBy = IssuedByString ?? IssuedBy.ToString(),
        IssuedAt = IssuedAt,
        NotBefore = NotBefore,
        ExpiresAt = ExpiresAt,
        KeyId = KeyId,
        Kind = Kind,
        TokenId = HasTokenId ? TokenId.ToString() : null,
    };
}
