using System.ComponentModel.DataAnnotations;

namespace Tessera.Passcodes;

/// <summary>Passcode rules and anti-abuse limits, bound from <c>Passcodes</c>. Every limit is counted in the database, so it holds across instances.</summary>
public sealed class PasscodeOptions
{
    public const string Section = "Passcodes";

    /// <summary>How long a passcode lives. Defaults to 10 minutes.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Wrong answers that kill a challenge. Defaults to 5.</summary>
    [Range(1, 100)] public int MaxAttemptsPerChallenge { get; set; } = 5;

    /// <summary>Wrong answers an identifier may give in a rolling hour, whatever the resends. Defaults to 10.</summary>
    [Range(1, 1000)] public int MaxFailuresPerIdentifierPerHour { get; set; } = 10;

    /// <summary>
    /// Wrong answers one client network (an IPv4 address or an IPv6 /64) may give in a rolling hour, whatever the
    /// identifiers and whether a challenge was live: one address spraying guesses over many identifiers. Defaults to 50.
    /// </summary>
    [Range(1, 1_000_000)] public int MaxFailuresPerIpPerHour { get; set; } = 50;

    /// <summary>Time between two passcodes to one identifier. Defaults to 30 seconds.</summary>
    public TimeSpan ResendCooldown { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Passcodes one client IP may trigger in a rolling hour. Defaults to 20.</summary>
    [Range(1, 1_000_000)] public int MaxSendsPerIpPerHour { get; set; } = 20;

    /// <summary>Passcodes one environment may send in a rolling hour (an SMS-pumping brake). Defaults to 1000.</summary>
    [Range(1, 100_000_000)] public int MaxSendsPerEnvironmentPerHour { get; set; } = 1000;

    /// <summary>Profiles one client network may create by identify (sign-up without a passcode) in an hour. Defaults to 10.</summary>
    [Range(1, 1_000_000)] public int MaxSignupsPerIpPerHour { get; set; } = 10;

    /// <summary>Profiles one environment may create by identify in an hour. Defaults to 1000.</summary>
    [Range(1, 100_000_000)] public int MaxSignupsPerEnvironmentPerHour { get; set; } = 1000;
}
