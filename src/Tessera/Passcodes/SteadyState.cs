using Tessera.Sessions;

namespace Tessera.Passcodes;

/// <summary>
/// The passwordless steady state written outside EF, one writer per database (<see cref="SqlitePasscodeWriter"/>,
/// <see cref="PostgresPasscodeWriter"/>): a passcode sent to a known, enabled profile with every send limit far off,
/// and a right passcode (or the sandbox code) for a profile whose identifier is already verified. Anything else is
/// <see cref="SteadyStateOutcome.Deferred"/> to <see cref="PasscodeSignIn"/>'s EF path, with nothing written.
/// </summary>
internal interface IPasscodeSteadyState
{
    /// <summary>Identify, for a caller whose message can be sent or captured (the EF path answers a production environment with no provider).</summary>
    Task<SteadyStateOutcome> SendAsync(PasscodeSignIn.Caller caller, string? ip, bool captureOnly, CancellationToken cancellationToken);

    Task<SteadyStateOutcome> AuthenticateAsync(PasscodeSignIn.Caller caller, string passcode, bool sandboxCode, SessionOrigin origin, CancellationToken cancellationToken);
}

public abstract record SteadyStateOutcome
{
    /// <summary>A challenge and its message were written (<paramref name="Pending"/>: to be delivered, not captured).</summary>
    public sealed record Sent(bool Pending) : SteadyStateOutcome;
    public sealed record Issued(IssuedSession Session) : SteadyStateOutcome;
    public sealed record Disabled : SteadyStateOutcome;
    /// <summary>Not a steady-state case: nothing was written, the EF path decides.</summary>
    public sealed record Deferred : SteadyStateOutcome;

    public static readonly SteadyStateOutcome DeferredOutcome = new Deferred();
    public static readonly SteadyStateOutcome DisabledOutcome = new Disabled();
}
