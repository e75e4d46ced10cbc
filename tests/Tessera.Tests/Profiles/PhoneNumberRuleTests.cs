using PhoneNumbers;
using Tessera.Environments;
using Tessera.Profiles;
using Xunit;

namespace Tessera.Tests.Profiles;

/// <summary>The phone rule at each of its boundaries: what production and SANDBOX environments store or refuse.</summary>
public sealed class PhoneNumberRuleTests
{
    private static readonly PhoneContext Production = new(null, Sandbox: false);
    private static readonly PhoneContext ProductionUs = new("US", Sandbox: false);
    private static readonly PhoneContext ProductionGb = new("GB", Sandbox: false);
    private static readonly PhoneContext Sandbox = new(null, Sandbox: true);
    private static readonly PhoneContext SandboxUs = new("US", Sandbox: true);

    public static TheoryData<string, string, string> Accepted => new()
    {
        // input, context, E.164 stored
        { "+1 (201) 555-0123", "production", "+12015550123" },      // US: FIXED_LINE_OR_MOBILE
        { "+1 201.555.0123", "production", "+12015550123" },
        { "  +12015550123                           ", "production", "+12015550123" }, // trimmed before the 32 limit
        { "+1 613 555 0123", "production", "+16135550123" },        // Canada: FIXED_LINE_OR_MOBILE
        { "+44 7400 123456", "production", "+447400123456" },       // UK mobile
        { "+33 6 12 34 56 78", "production", "+33612345678" },      // French mobile
        { "+49 1512 3456789", "production", "+4915123456789" },     // German mobile
        { "+39 312 345 6789", "production", "+393123456789" },      // Italian mobile
        { "+44 56 1234 5678", "production", "+445612345678" },      // VoIP: may receive SMS
        { "+44 70 1234 5678", "production", "+447012345678" },      // personal (follow-me) number
        { "(201) 555-0123", "production US", "+12015550123" },      // no country code: the default region's
        { "201-555-0123", "production US", "+12015550123" },
        { "07400 123456", "production GB", "+447400123456" },
        { "00 44 7400 123456", "production GB", "+447400123456" },  // the region's international prefix
        { "+1 201 555 0123", "production GB", "+12015550123" },     // a country code wins over the region
        { "+1 (555) 555-0100", "sandbox", "+15555550100" },        // fictional NANP 555-01XX, area code 555
        { "+1 555 555 0199", "sandbox", "+15555550199" },
        { "+1 212 555 0150", "sandbox", "+12125550150" },
        { "555-555-0100", "sandbox US", "+15555550100" },
        { "+44 7700 900123", "sandbox", "+447700900123" },         // Ofcom's drama mobiles
        { "+1 (201) 555-0123", "sandbox", "+12015550123" },        // real numbers too
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void AcceptedNumbersAreStoredAsE164(string raw, string context, string e164)
    {
        var result = PhoneNumberRule.Normalize(raw, Context(context));
        Assert.Null(result.Error);
        Assert.Equal(e164, result.Phone);
    }

    public static TheoryData<string, string, string> Refused => new()
    {
        // input, context, what the message says
        { "+10000000000", "production", "valid phone number" },             // passed the old 8-15 digits rule
        { "+15555550100", "production", "valid phone number" },             // fictional: sandbox only
        { "+1 (555) 555-0100", "production", "valid phone number" },
        { "+44 7700 900123", "production", "valid phone number" },
        { "555-555-0100", "production US", "valid phone number" },
        { "+1 555 555 0200", "sandbox", "valid phone number" },             // 555 outside 0100-0199 is not fictional
        { "+10000000000", "sandbox", "valid phone number" },
        { "+44 7700 901123", "sandbox", "valid phone number" },
        { "+1234567", "production", "valid phone number" },                 // too short
        { "+1234567890123456", "production", "valid phone number" },        // too long
        { "+1 201 555 01234", "production", "valid phone number" },         // a digit too many for its country
        { "+0 555 555 0100", "production", "valid phone number" },          // no such country code
        { "+1 555 CALL NOW", "sandbox", "valid phone number" },             // letters (libphonenumber would dial them)
        { "+1 800 FLOWERS", "production", "valid phone number" },
        { "+1 201 555 0123 x4", "production", "valid phone number" },       // an extension would be dropped silently
        { "tel:+12015550123", "production", "valid phone number" },
        { "++12015550123", "production", "valid phone number" },
        { "1+2015550123", "production US", "valid phone number" },
        { "+", "production", "valid phone number" },
        { "", "production", "valid phone number" },
        { "+1 (201) 555-0123 (201) 555-0123 (201)", "production", "valid phone number" }, // over 32 characters
        { "2015550123", "production", "country code" },                     // no default region
        { "(201) 555-0123", "sandbox", "country code" },
        { "+44 20 7946 0000", "production", "fixed-line" },
        { "+44 20 7946 0000", "sandbox", "fixed-line" },                    // sandbox refuses what production refuses
        { "+39 06 1234 5678", "production", "fixed-line" },
        { "+49 30 123456", "production", "fixed-line" },
        { "+1 800 234 5678", "production", "toll-free" },
        { "+1 800 234 5678", "sandbox", "toll-free" },
        { "+800 1234 5678", "production", "toll-free" },                    // international freephone
        { "+1 900 234 5678", "production", "premium-rate" },
        { "+44 909 123 4567", "production", "premium-rate" },
        { "+44 55 1234 5678", "production", "universal access" },
        { "+44 76 4012 3456", "production", "pager" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void RefusedNumbersSayWhy(string raw, string context, string reason)
    {
        var result = PhoneNumberRule.Normalize(raw, Context(context));
        Assert.Null(result.Phone);
        Assert.Contains(reason, result.Error);
    }

    [Theory]
    [InlineData(PhoneNumberType.MOBILE, null)]
    [InlineData(PhoneNumberType.FIXED_LINE_OR_MOBILE, null)]
    [InlineData(PhoneNumberType.VOIP, null)]
    [InlineData(PhoneNumberType.PERSONAL_NUMBER, null)]
    [InlineData(PhoneNumberType.FIXED_LINE, "fixed-line")]
    [InlineData(PhoneNumberType.TOLL_FREE, "toll-free")]
    [InlineData(PhoneNumberType.PREMIUM_RATE, "premium-rate")]
    [InlineData(PhoneNumberType.SHARED_COST, "shared-cost")]
    [InlineData(PhoneNumberType.UAN, "universal access")]
    [InlineData(PhoneNumberType.PAGER, "pager")]
    [InlineData(PhoneNumberType.VOICEMAIL, "voicemail access")]
    [InlineData(PhoneNumberType.UNKNOWN, "non-mobile")]
    public void EachNumberTypeIsAcceptedOrRefusedForSms(PhoneNumberType type, string? refusal) =>
        Assert.Equal(refusal, PhoneNumberRule.RefusedType(type));

    [Fact]
    public void EveryNumberTypeIsDecided() =>
        Assert.All(Enum.GetValues<PhoneNumberType>().Where(type => type != PhoneNumberType.UNKNOWN),
            type => Assert.NotEqual("non-mobile", PhoneNumberRule.RefusedType(type)));

    /// <summary>
    /// The rule before libphonenumber stored <c>+</c> and the digits typed. For every number that is valid now, in
    /// E.164 with any of its separators, the new rule stores the same string, so stored profiles are still found.
    /// </summary>
    [Theory]
    [InlineData("+1 (201) 555-0123")]
    [InlineData("+1 613.555.0123")]
    [InlineData("+44 7400 123456")]
    [InlineData("+33 (6) 12-34-56-78")]
    [InlineData("+39 312 345 6789")]
    [InlineData("+54 9 11 2345 6789")]
    [InlineData("+52 55 1234 5678")]
    [InlineData("+81 90 1234 5678")]
    [InlineData("+86 138 0013 8000")]
    [InlineData("+91 98765 43210")]
    [InlineData("+55 11 91234 5678")]
    [InlineData("+61 412 345 678")]
    public void ValidNumbersAreStoredAsTheOldRuleStoredThem(string raw)
    {
        var oldRule = "+" + new string(raw.Where(char.IsAsciiDigit).ToArray());
        Assert.Equal(oldRule, PhoneNumberRule.Normalize(raw, Production).Phone);
    }

    [Theory]
    [InlineData(EnvironmentMode.Sandbox, true)]
    [InlineData(EnvironmentMode.Development, false)]
    [InlineData(EnvironmentMode.Production, false)]
    public void OnlySandboxEnvironmentsAcceptFictionalNumbers(EnvironmentMode mode, bool sandbox)
    {
        var context = PhoneContext.For(new PhoneOptions(), mode);
        Assert.Equal(sandbox, context.Sandbox);
        Assert.Equal(sandbox, PhoneNumberRule.Normalize("+1 555 555 0100", context).Phone is not null);
    }

    [Theory]
    [InlineData(null, true, null)]
    [InlineData("", true, null)]
    [InlineData("  ", true, null)]
    [InlineData("US", true, "US")]
    [InlineData(" gb ", true, "GB")]
    [InlineData("XX", false, null)]
    [InlineData("USA", false, null)]
    [InlineData("ZZ", false, null)]
    public void TheDefaultRegionIsNoneOrARegionLibphonenumberKnows(string? region, bool known, string? used)
    {
        var options = new PhoneOptions { DefaultRegion = region };
        Assert.Equal(known, options.DefaultRegionIsKnown());
        if (known) Assert.Equal(used, PhoneContext.For(options, EnvironmentMode.Production).DefaultRegion);
    }

    private static PhoneContext Context(string name) => name switch
    {
        "production" => Production,
        "production US" => ProductionUs,
        "production GB" => ProductionGb,
        "sandbox" => Sandbox,
        "sandbox US" => SandboxUs,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };
}
