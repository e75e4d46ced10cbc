using System.ComponentModel.DataAnnotations;
using Tessera.Delivery;
using Xunit;

namespace Tessera.Tests.Delivery;

/// <summary>How Email:Smtp:Security, the older UseTls and the port decide the connection, and what is refused at start.</summary>
public sealed class SmtpOptionsTests
{
    [Theory]
    [InlineData(SmtpSecurity.Auto, null, 587, SmtpSecurity.StartTls)]
    [InlineData(SmtpSecurity.Auto, null, 25, SmtpSecurity.StartTls)]
    [InlineData(SmtpSecurity.Auto, null, 465, SmtpSecurity.SslOnConnect)]
    [InlineData(SmtpSecurity.Auto, true, 587, SmtpSecurity.StartTls)]
    [InlineData(SmtpSecurity.Auto, true, 465, SmtpSecurity.SslOnConnect)]
    [InlineData(SmtpSecurity.Auto, false, 587, SmtpSecurity.None)]
    [InlineData(SmtpSecurity.Auto, false, 465, SmtpSecurity.None)]
    [InlineData(SmtpSecurity.None, false, 25, SmtpSecurity.None)]
    [InlineData(SmtpSecurity.StartTls, true, 465, SmtpSecurity.StartTls)]
    [InlineData(SmtpSecurity.SslOnConnect, null, 2465, SmtpSecurity.SslOnConnect)]
    [InlineData(SmtpSecurity.StartTlsWhenAvailable, null, 587, SmtpSecurity.StartTlsWhenAvailable)]
    public void SecurityResolvesFromTheSettingUseTlsAndThePort(SmtpSecurity security, bool? useTls, int port, SmtpSecurity expected)
    {
        var smtp = new SmtpOptions { Host = "smtp.example.com", Security = security, UseTls = useTls, Port = port };
        Assert.Equal(expected, smtp.EffectiveSecurity);
        Assert.Empty(Errors(smtp));
    }

    [Theory]
    [InlineData(SmtpSecurity.StartTls, false)]
    [InlineData(SmtpSecurity.SslOnConnect, false)]
    [InlineData(SmtpSecurity.StartTlsWhenAvailable, false)]
    [InlineData(SmtpSecurity.None, true)]
    public void UseTlsContradictingSecurityIsRefused(SmtpSecurity security, bool useTls)
    {
        var error = Assert.Single(Errors(new SmtpOptions { Host = "smtp.example.com", Security = security, UseTls = useTls }));
        Assert.Contains("Email:Smtp:UseTls", error);
    }

    [Fact]
    public void AnUndefinedSecurityValueIsRefused() =>
        Assert.Contains("Email:Smtp:Security", Assert.Single(Errors(new SmtpOptions { Security = (SmtpSecurity)42 })));

    [Fact]
    public void ATrustedCertificatePathThatIsMissingOrNotACertificateIsRefused()
    {
        var directory = Directory.CreateTempSubdirectory("tessera-smtp-options-").FullName;
        try
        {
            var missing = Path.Combine(directory, "missing.pem");
            Assert.Contains("Email:Smtp:TrustedCertificatePath", Assert.Single(Errors(new SmtpOptions { TrustedCertificatePath = missing })));

            var garbage = Path.Combine(directory, "garbage.pem");
            File.WriteAllText(garbage, "not a certificate");
            Assert.Contains("Email:Smtp:TrustedCertificatePath", Assert.Single(Errors(new SmtpOptions { TrustedCertificatePath = garbage })));

            var ca = Path.Combine(directory, "ca.pem");
            using (var authority = TestCertificateAuthority.Create("Options test CA")) File.WriteAllText(ca, authority.CertificatePem);
            Assert.Empty(Errors(new SmtpOptions { TrustedCertificatePath = ca }));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("no-reply@example.com", true)]
    [InlineData("Example <no-reply@example.com>", true)]
    [InlineData("no-reply", false)]
    [InlineData("not an address", false)]
    public void EmailFromMustBeAnAddressWithADomain(string from, bool valid)
    {
        var errors = new EmailOptions { From = from }.Validate(new ValidationContext(new object())).Select(e => e.ErrorMessage!).ToList();
        Assert.Equal(valid, errors.Count == 0);
    }

    private static List<string> Errors(SmtpOptions smtp) =>
        new EmailOptions { Smtp = smtp }.Validate(new ValidationContext(new object())).Select(e => e.ErrorMessage!).ToList();
}
