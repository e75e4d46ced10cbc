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
    /// E.164: a <c>+</c>, a country code and the number, 8 to 15 digits in all. Spaces, dots, dashes and parentheses
    /// are dropped, so <c>+1 (555) 555-0100</c> and <c>+1 555.555.0100</c> are <c>+15555550100</c>.
    /// </summary>
    public static PhoneResult NormalizePhone(string raw)
    {
        Span<char> digits = stackalloc char[16];
        var count = 0;
        var trimmed = raw.Trim();
        if (trimmed.Length is 0 or > 32) return PhoneResult.Invalid;
        if (trimmed[0] != '+') return PhoneResult.MissingCountryCode;
        for (var i = 1; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            if (char.IsAsciiDigit(c))
            {
                if (count == 15) return PhoneResult.Invalid;
                digits[count++] = c;
            }
            else if (c is not (' ' or '.' or '-' or '(' or ')')) return PhoneResult.Invalid;
        }
        if (count < 8 || digits[0] == '0') return PhoneResult.Invalid;
        return new PhoneResult("+" + new string(digits[..count]), null);
    }

    public readonly record struct PhoneResult(string? Phone, string? Error)
    {
        public static readonly PhoneResult Invalid = new(null, "must be a phone number in E.164 format, e.g. +15555550100");
        public static readonly PhoneResult MissingCountryCode = new(null, "must include the country code in E.164 format, e.g. +15555550100");
    }

    // Local part of common address characters, a domain of dot-separated labels with a 2+ letter TLD.
    [GeneratedRegex(@"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();
}
