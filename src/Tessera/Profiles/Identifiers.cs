using System.Text.RegularExpressions;

namespace Tessera.Profiles;

/// <summary>Normalizes the identifiers a profile is found by, so one person is one identifier.</summary>
public static partial class Identifiers
{
    /// <summary>Trims and lower-cases the whole address; null when it is not a plausible address.</summary>
    public static string? NormalizeEmail(string raw)
    {
        var email = raw.Trim().ToLowerInvariant();
        if (email.Length is < 3 or > 254) return null;
        var at = email.LastIndexOf('@');
        if (at <= 0 || at > 64 || at == email.Length - 1) return null;
        return EmailPattern().IsMatch(email) ? email : null;
    }

    /// <summary>
    /// The phone rule, in <see cref="PhoneNumberRule"/>: E.164 through libphonenumber, so <c>+1 (201) 555-0123</c> and
    /// <c>+1 201.555.0123</c> are <c>+12015550123</c>.
    /// </summary>
    public static PhoneResult NormalizePhone(string raw, PhoneContext context) => PhoneNumberRule.Normalize(raw, context);

    // Local part of common address characters, a domain of dot-separated labels with a 2+ letter TLD.
    [GeneratedRegex(@"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
