namespace Tessera.Passcodes;

/// <summary>
/// A one-time passcode sent to an identifier. Only the newest challenge of an identifier counts; the code itself is
/// stored only as a keyed hash (see <c>PasscodeHasher</c>).
/// </summary>
public sealed class PasscodeChallenge
{
    public Guid Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string ClientId { get; init; }
    /// <summary>The normalized email or E.164 phone the code was sent to.</summary>
    public required string Identifier { get; init; }
    /// <summary>The profile holding the identifier, or null when it is created on a right answer (verifyNewProfiles).</summary>
    public string? ProfileId { get; init; }
    public required byte[] CodeHash { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
    public int FailedAttempts { get; set; }
    public DateTime? ConsumedAt { get; set; }
    /// <summary>The requester's network (<see cref="Http.ClientNetwork"/>: an IPv4 address or an IPv6 /64), for the per-IP send limit.</summary>
    public string? IpAddress { get; init; }
}

/// <summary>One wrong passcode, kept an hour for the per-identifier and per-network budgets that resends do not reset.</summary>
public sealed class PasscodeFailure
{
    public long Id { get; init; }
    public required string EnvironmentId { get; init; }
    public required string Identifier { get; init; }
    public DateTime At { get; init; }
    /// <summary>The caller's network (<see cref="Http.ClientNetwork"/>), for the per-network failure budget.</summary>
    public string? IpNetwork { get; init; }
    /// <summary>
    /// Whether a live challenge was there to guess: only such failures count against the identifier, so wrong answers
    /// sent while its owner has no passcode out cannot lock the owner out.
    /// </summary>
    public bool ChallengeLive { get; init; } = true;
}
