using System.Text.RegularExpressions;
using PhoneNumbers;
using Tessera.Environments;

namespace Tessera.Profiles;

/// <summary>Phone-number settings, bound from <c>Phone</c>.</summary>
public sealed class PhoneOptions
{
    public const string Section = "Phone";

    /// <summary>
    /// The ISO 3166-1 region (<c>US</c>, <c>GB</c>…) of numbers written without a country code, so <c>(201) 555-0123</c>
    /// is read as <c>+12015550123</c> with <c>US</c>. Defaults to none: every number must start with <c>+</c> and its
    /// country code, since guessing a country in a deployment with international users would store someone else's number.
    /// </summary>
    public string? DefaultRegion { get; set; }

    /// <summary>Whether <see cref="DefaultRegion"/> is empty or a region libphonenumber knows.</summary>
    public bool DefaultRegionIsKnown() =>
        string.IsNullOrWhiteSpace(DefaultRegion) || PhoneNumberUtil.GetInstance().GetSupportedRegions().Contains(DefaultRegion.Trim().ToUpperInvariant());
}

/// <summary>What the phone rule needs to know about where a number is entered.</summary>
/// <param name="DefaultRegion">The region of numbers without a country code; null: they are refused.</param>
/// <param name="Sandbox">A SANDBOX environment, which also accepts the fictional ranges (<see cref="PhoneNumberRule.IsFictional"/>).</param>
public readonly record struct PhoneContext(string? DefaultRegion, bool Sandbox)
{
    /// <summary>The context of a number entered in <paramref name="environment"/>'s mode under <paramref name="options"/>.</summary>
    public static PhoneContext For(PhoneOptions options, EnvironmentMode environment) =>
        new(string.IsNullOrWhiteSpace(options.DefaultRegion) ? null : options.DefaultRegion.Trim().ToUpperInvariant(),
            environment == EnvironmentMode.Sandbox);
}

/// <summary>The normalized E.164 number, or why it is refused (the message of a 422 on <c>phone</c>).</summary>
public readonly record struct PhoneResult(string? Phone, string? Error)
{
    public const string Example = "+12015550123";
    public static readonly PhoneResult Invalid = new(null, $"must be a valid phone number in E.164 format, e.g. {Example}");
    public static readonly PhoneResult MissingCountryCode = new(null, $"must include the country code in E.164 format, e.g. {Example}");
    public static PhoneResult CannotReceiveSms(string kind) => new(null, $"is a {kind} number, which cannot receive SMS passcodes; use a mobile number");
}

/// <summary>
/// The one phone-number rule of every write and sign-in path: parse with libphonenumber, keep only numbers it holds
/// valid, refuse the types it knows cannot receive a passcode by SMS, and store E.164, so one number typed in any
/// format is one identifier. E.164 is also what the hand-written rule before it stored for the same valid input
/// (<c>+</c>, country code, national number), so profiles stored then are still found.
/// </summary>
public static partial class PhoneNumberRule
{
    // Thread-safe once built; building it reads the whole metadata, so once per process.
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static PhoneResult Normalize(string raw, PhoneContext context)
    {
        var text = raw.Trim();
        if (text.Length is 0 or > 32) return PhoneResult.Invalid;
        // libphonenumber would also read letters (1-800-FLOWERS), "tel:" URIs and extensions ("x12", silently dropped
        // from E.164): an identifier takes only what a person types for one reachable number.
        if (!Typed().IsMatch(text)) return PhoneResult.Invalid;
        if (text[0] != '+' && context.DefaultRegion is null) return PhoneResult.MissingCountryCode;

        PhoneNumber number;
        try { number = Util.Parse(text, context.DefaultRegion ?? "ZZ"); }
        catch (NumberParseException) { return PhoneResult.Invalid; }
        var e164 = Util.Format(number, PhoneNumberFormat.E164);

        if (context.Sandbox && IsFictional(number)) return new PhoneResult(e164, null);
        if (!Util.IsValidNumber(number)) return PhoneResult.Invalid;
        return RefusedType(Util.GetNumberType(number)) is { } kind ? PhoneResult.CannotReceiveSms(kind) : new PhoneResult(e164, null);
    }

    /// <summary>
    /// Why a valid number of <paramref name="type"/> cannot be a sign-in phone, or null when it may. Refused: numbers
    /// that are not one person's handset by definition. Accepted: mobile; fixed-line-or-mobile (the US, Canada and a
    /// few others cannot tell the two apart by the number, and most of them are mobiles); VoIP and personal
    /// (follow-me) numbers, which often do receive SMS and of which libphonenumber cannot say otherwise.
    /// </summary>
    internal static string? RefusedType(PhoneNumberType type) => type switch
    {
        PhoneNumberType.MOBILE or PhoneNumberType.FIXED_LINE_OR_MOBILE or PhoneNumberType.VOIP or PhoneNumberType.PERSONAL_NUMBER => null,
        PhoneNumberType.FIXED_LINE => "fixed-line",
        // Business lines that bill or route calls; premium-rate and shared-cost are also where SMS pumping pays out.
        PhoneNumberType.TOLL_FREE => "toll-free",
        PhoneNumberType.PREMIUM_RATE => "premium-rate",
        PhoneNumberType.SHARED_COST => "shared-cost",
        PhoneNumberType.UAN => "universal access",
        PhoneNumberType.PAGER => "pager",
        PhoneNumberType.VOICEMAIL => "voicemail access",
        _ => "non-mobile",
    };

    /// <summary>
    /// The ranges set aside for fiction, accepted in SANDBOX environments although no SMS can reach them: North
    /// American 555-0100 to 555-0199 under any area code, the 555 one included (<c>+1 555 555 0100</c>), and the
    /// UK's drama mobiles 07700 900000 to 07700 900999 (<c>+44 7700 900123</c>).
    /// </summary>
    internal static bool IsFictional(PhoneNumber number)
    {
        var national = Util.GetNationalSignificantNumber(number);
        return number.CountryCode switch
        {
            1 => NanpFictional().IsMatch(national),
            44 => UkDramaMobile().IsMatch(national),
            _ => false,
        };
    }

    [GeneratedRegex(@"^\+?[0-9 .()-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Typed();

    [GeneratedRegex(@"^[2-9][0-9]{2}55501[0-9]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex NanpFictional();

    [GeneratedRegex(@"^7700900[0-9]{3}$", RegexOptions.CultureInvariant)]
    private static partial Regex UkDramaMobile();
}
