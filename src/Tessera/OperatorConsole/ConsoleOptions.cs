using System.ComponentModel.DataAnnotations;

namespace Tessera.OperatorConsole;

/// <summary>The operator console at <c>/console</c> (section <c>Console</c>).</summary>
public sealed class ConsoleOptions : IValidatableObject
{
    public const string Section = "Console";

    /// <summary>Whether <c>/console</c> answers at all. Defaults to true; without a link from the CLI nobody gets in.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a sign-in link printed by <c>tessera console open</c> can be used (once). Defaults to 5 minutes.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A console session with no request for this long is over. Defaults to 30 minutes.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A console session is over this long after it started, however busy. Defaults to 8 hours.</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>
    /// Where the console is reached from the operator's browser, for the link the CLI prints. Defaults to
    /// http://127.0.0.1:5080 (serve's default address).
    /// </summary>
    public string BaseUrl { get; set; } = "http://127.0.0.1:5080";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (LinkLifetime <= TimeSpan.Zero || LinkLifetime > TimeSpan.FromHours(1))
            yield return new ValidationResult("Console:LinkLifetime must be more than 0 and at most 1 hour.", [nameof(LinkLifetime)]);
        if (IdleTimeout <= TimeSpan.Zero)
            yield return new ValidationResult("Console:IdleTimeout must be more than 0.", [nameof(IdleTimeout)]);
        if (AbsoluteTimeout < IdleTimeout || AbsoluteTimeout > TimeSpan.FromDays(7))
            yield return new ValidationResult("Console:AbsoluteTimeout must be at least Console:IdleTimeout and at most 7 days.", [nameof(AbsoluteTimeout)]);
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            yield return new ValidationResult("Console:BaseUrl must be an absolute http or https URL.", [nameof(BaseUrl)]);
    }
}
