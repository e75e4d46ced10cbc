using System.ComponentModel.DataAnnotations;

namespace Tessera.Sessions;

/// <summary>Bound from the <c>Tokens</c> configuration section.</summary>
public sealed class SessionTokenOptions : IValidatableObject
{
    public const string Section = "Tokens";

    /// <summary>The public base URL clients reach Tessera at. Defaults to http://127.0.0.1:5080.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The <c>iss</c> claim. Defaults to the public base URL.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> claim. Defaults to the public base URL followed by <c>/v1</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>How long an issued token lives. Defaults to 24 hours; at most 20 days.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Tolerance for clocks that disagree, on <c>exp</c> and <c>nbf</c>. Defaults to 10 seconds.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(10);

    public string EffectiveIssuer => Issuer ?? PublicBaseUrl.TrimEnd('/');
    public string EffectiveAudience => Audience ?? PublicBaseUrl.TrimEnd('/') + "/v1";

    /// <summary>
    /// An environment's own issuer, under which its discovery document and JWKS are published (ADR 0010). Built
    /// from <see cref="PublicBaseUrl"/>, not <see cref="Issuer"/>: a stock verifier fetches discovery from the issuer.
    /// </summary>
    public string EnvironmentIssuer(string environmentId) => PublicBaseUrl.TrimEnd('/') + "/environments/" + environmentId;

    /// <summary>
    /// The <c>iss</c> of a token signed with <paramref name="algorithm"/>: HS512 tokens keep <see cref="EffectiveIssuer"/>
    /// (Quiltt's shape; nobody outside verifies them), public-key tokens name their environment's issuer, so a stock
    /// verifier pointed at one environment refuses every other's tokens.
    /// </summary>
    public string IssuerFor(string environmentId, JwsAlgorithm algorithm) =>
        algorithm == JwsAlgorithm.HS512 ? EffectiveIssuer : EnvironmentIssuer(environmentId);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Lifetime <= TimeSpan.Zero || Lifetime > TimeSpan.FromDays(20))
            yield return new ValidationResult("Tokens:Lifetime must be positive and at most 20 days.", [nameof(Lifetime)]);
        if (ClockSkew < TimeSpan.Zero || ClockSkew > TimeSpan.FromMinutes(5))
            yield return new ValidationResult("Tokens:ClockSkew must be between 0 and 5 minutes.", [nameof(ClockSkew)]);
    }
}

/// <summary>The per-profile issuance limit, bound from <c>Limits:Issuance</c>.</summary>
public sealed class IssuanceLimitOptions
{
    public const string Section = "Limits:Issuance";

    /// <summary>Unrevoked tokens a profile may be issued in a rolling hour. Defaults to 10.</summary>
    [Range(1, 100_000)] public int PerHour { get; set; } = 10;

    /// <summary>Unrevoked tokens a profile may be issued in a rolling day. Defaults to 20.</summary>
    [Range(1, 1_000_000)] public int PerDay { get; set; } = 20;
}

/// <summary>How revocations reach every instance, bound from <c>Revocation</c>.</summary>
public sealed class RevocationOptions
{
    public const string Section = "Revocation";

    /// <summary>How often each instance reads new revocations. Defaults to 250 ms, well inside the one-second promise.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
