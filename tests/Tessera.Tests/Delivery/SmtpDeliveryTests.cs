using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Data;
using Tessera.Delivery;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.Delivery;

/// <summary>Email through a real SMTP server (aiosmtpd), read back as a mail client would.</summary>
public abstract class SmtpDeliveryTests(Backend backend, PostgresServer postgres) : DeliveryTestBase(backend, postgres)
{
    private const string Username = "tessera";
    private const string Password = "relay-secret-0451";

    // UseTls=false, the setting Security replaced, still means plain text.
    private static Dictionary<string, string?> Smtp(SmtpCaptureServer smtp) => new()
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = smtp.Port.ToString(),
        ["Email:Smtp:UseTls"] = "false",
        ["Email:From"] = "Tessera <no-reply@tessera.test>",
    };

    /// <summary>The relay over TLS, trusting the test CA that issued its certificate, with the right login.</summary>
    private static Dictionary<string, string?> SmtpOverTls(SmtpCaptureServer smtp, string security, string password = Password) => new()
    {
        ["Email:Smtp:Host"] = "127.0.0.1",
        ["Email:Smtp:Port"] = smtp.Port.ToString(),
        ["Email:Smtp:Security"] = security,
        ["Email:Smtp:TrustedCertificatePath"] = smtp.TrustedCertificatePath,
        ["Email:Smtp:Username"] = Username,
        ["Email:Smtp:Password"] = password,
        ["Email:From"] = "Tessera <no-reply@tessera.test>",
    };

    [Fact]
    public async Task APasscodeEmailArrivesAsMultipartTextAndHtmlAndTheOutboxRowIsWiped()
    {
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync());
        var server = await StartServerAsync(FastPoll, Smtp(smtp));
        var (environment, _, _) = await server.CreateEnvironmentAsync();
        var content = MessageTemplates.PasscodeEmail("Acme <Bank>", "482913", TimeSpan.FromMinutes(10));

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Email, "ada@example.com", content, Clock.GetUtcNow().UtcDateTime.AddMinutes(10));

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.Equal("no-reply@tessera.test", mail.Str("mailFrom"));
        Assert.Equal(["ada@example.com"], mail.GetProperty("rcptTos").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Tessera <no-reply@tessera.test>", mail.Str("from"));
        Assert.Equal("ada@example.com", mail.Str("to"));
        Assert.Equal("482913 is your Acme <Bank> sign-in code", mail.Str("subject"));
        Assert.Equal("multipart/alternative", mail.Str("contentType"));
        var parts = mail.GetProperty("parts").EnumerateArray().ToList();
        Assert.Equal(["text/plain", "text/html"], parts.Select(p => p.Str("contentType")));
        Assert.Equal(Normalize(content.Text), Normalize(parts[0].Str("content")));
        Assert.StartsWith("Your Acme <Bank> sign-in code is 482913", parts[0].Str("content"));
        Assert.Equal(Normalize(content.Html!), Normalize(parts[1].Str("content")));
        Assert.Contains("Acme &lt;Bank&gt;", parts[1].Str("content"));

        var row = await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent, "the message to be marked sent");
        Assert.Null(row.ProtectedContent);
        Assert.Equal(Clock.GetUtcNow().UtcDateTime, row.SentAt);
        Assert.Equal(1, row.Attempts);
        Assert.Null(row.LockedUntil);
    }

    [Fact]
    public async Task ATemporarySmtpRefusalIsRetriedAfterTheBackoff()
    {
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync(refuseFirst: 1));
        var server = await StartServerAsync(FastPoll, Smtp(smtp));
        var (environment, _, _) = await server.CreateEnvironmentAsync();
        var content = MessageTemplates.PasscodeEmail("Acme", "123456", TimeSpan.FromMinutes(10));

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Email, "grace@example.com", content, Clock.GetUtcNow().UtcDateTime.AddMinutes(10));

        var failed = await RowWhenAsync(server, id, m => m.Attempts == 1, "the first attempt");
        Assert.Equal(OutboxStatus.Pending, failed.Status);
        Assert.Contains("451", failed.LastError);
        Assert.DoesNotContain("123456", failed.LastError);
        Assert.NotNull(failed.ProtectedContent);
        Assert.Equal(0, smtp.ReceivedCount);

        Clock.Set(failed.NextAttemptAt);
        await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        var sent = await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent, "the retry to succeed");
        Assert.Equal(2, sent.Attempts);
        Assert.Null(sent.ProtectedContent);
    }

    [Fact]
    public async Task ARecipientTheRelayRefusesWith550FailsAtOnceWithoutRetry()
    {
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync(new SmtpCaptureOptions { RefusedRecipients = ["nobody@example.com"] }));
        var server = await StartServerAsync(FastPoll, Smtp(smtp));
        var (environment, _, _) = await server.CreateEnvironmentAsync();
        var content = MessageTemplates.PasscodeEmail("Acme", "550550", TimeSpan.FromMinutes(10));

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Email, "nobody@example.com", content, Clock.GetUtcNow().UtcDateTime.AddMinutes(10));

        var failed = await RowWhenAsync(server, id, m => m.Status != OutboxStatus.Pending, "the refusal to be recorded");
        Assert.Equal(OutboxStatus.Failed, failed.Status);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("550", failed.LastError);
        Assert.Null(failed.ProtectedContent);
        Assert.Equal(0, smtp.ReceivedCount);
    }

    // STARTTLS (587): the connection is encrypted before the login and the message; implicit TLS (465): from the first byte.
    [Theory]
    [InlineData(SmtpCaptureTls.StartTls, "StartTls", "587587")]
    [InlineData(SmtpCaptureTls.Implicit, "SslOnConnect", "465465")]
    public async Task TheLoginAndTheMessageTravelEncryptedInEitherTlsMode(SmtpCaptureTls tls, string security, string code)
    {
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync(new SmtpCaptureOptions { Tls = tls, Login = (Username, Password) }));
        var server = await StartServerAsync(FastPoll, SmtpOverTls(smtp, security));
        var (environment, _, _) = await server.CreateEnvironmentAsync();
        var content = MessageTemplates.PasscodeEmail("Acme", code, TimeSpan.FromMinutes(10));

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Email, "ada@example.com", content, Clock.GetUtcNow().UtcDateTime.AddMinutes(10));

        var mail = Assert.Single(await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
        Assert.True(mail.GetProperty("tls").GetBoolean());
        Assert.Equal(Username, mail.Str("login"));
        Assert.Equal($"{code} is your Acme sign-in code", mail.Str("subject"));
        await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent, "the message to be marked sent");
    }

    [Fact]
    public async Task ACertificateNoTrustedIssuerSignedIsRefusedAndTheMessageStaysQueued()
    {
        // The relay's CA is the test's own: without Email:Smtp:TrustedCertificatePath the system does not trust it.
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync(new SmtpCaptureOptions { Tls = SmtpCaptureTls.StartTls, Login = (Username, Password) }));
        var settings = SmtpOverTls(smtp, "StartTls");
        settings.Remove("Email:Smtp:TrustedCertificatePath");
        var server = await StartServerAsync(FastPoll, settings);
        var (environment, _, _) = await server.CreateEnvironmentAsync();
        var content = MessageTemplates.PasscodeEmail("Acme", "111111", TimeSpan.FromMinutes(10));

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Email, "ada@example.com", content, Clock.GetUtcNow().UtcDateTime.AddMinutes(10));

        var refused = await RowWhenAsync(server, id, m => m.Attempts == 1, "the first attempt");
        Assert.Equal(OutboxStatus.Pending, refused.Status);
        Assert.Contains("certificate is not trusted", refused.LastError);
        Assert.Contains("Email:Smtp:TrustedCertificatePath", refused.LastError);
        Assert.NotNull(refused.ProtectedContent);
        Assert.Equal(0, smtp.ReceivedCount);
    }

    [Fact]
    public async Task TrustingAnotherCaDoesNotMakeTheRelaysCertificateTrusted()
    {
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync(new SmtpCaptureOptions { Tls = SmtpCaptureTls.Implicit, Login = (Username, Password) }));
        var other = Path.Combine(smtp.Directory, "other-ca.pem");
        using (var authority = TestCertificateAuthority.Create("Some other CA"))
            await File.WriteAllTextAsync(other, authority.CertificatePem, TestContext.Current.CancellationToken);
        var settings = SmtpOverTls(smtp, "SslOnConnect");
        settings["Email:Smtp:TrustedCertificatePath"] = other;
        var server = await StartServerAsync(FastPoll, settings);
        var (environment, _, _) = await server.CreateEnvironmentAsync();
        var content = MessageTemplates.PasscodeEmail("Acme", "222222", TimeSpan.FromMinutes(10));

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Email, "ada@example.com", content, Clock.GetUtcNow().UtcDateTime.AddMinutes(10));

        var refused = await RowWhenAsync(server, id, m => m.Attempts == 1, "the first attempt");
        Assert.Equal(OutboxStatus.Pending, refused.Status);
        Assert.Contains("certificate is not trusted", refused.LastError);
        Assert.Equal(0, smtp.ReceivedCount);
    }

    [Fact]
    public async Task AWrongPasswordIsRetriedLaterAndNeverStoredInTheError()
    {
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync(new SmtpCaptureOptions { Tls = SmtpCaptureTls.StartTls, Login = (Username, Password) }));
        const string wrong = "not-the-relay-secret";
        var server = await StartServerAsync(FastPoll, SmtpOverTls(smtp, "StartTls", password: wrong));
        var (environment, _, _) = await server.CreateEnvironmentAsync();
        var content = MessageTemplates.PasscodeEmail("Acme", "333333", TimeSpan.FromMinutes(10));

        var id = await EnqueueAsync(server, environment.Id, OutboxChannel.Email, "ada@example.com", content, Clock.GetUtcNow().UtcDateTime.AddMinutes(10));

        var refused = await RowWhenAsync(server, id, m => m.Attempts == 1, "the first attempt");
        Assert.Equal(OutboxStatus.Pending, refused.Status);
        Assert.True(refused.NextAttemptAt > Clock.GetUtcNow().UtcDateTime);
        Assert.Contains("login", refused.LastError);
        Assert.DoesNotContain(wrong, refused.LastError);
        Assert.Equal(0, smtp.ReceivedCount);
    }

    [Fact]
    public async Task SeveralQueuedEmailsGoOutOverOneConnection()
    {
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync(new SmtpCaptureOptions { Tls = SmtpCaptureTls.StartTls, Login = (Username, Password) }));
        var server = await StartServerAsync(FastPoll, SmtpOverTls(smtp, "StartTls"));
        var (environment, _, _) = await server.CreateEnvironmentAsync();

        var ids = await EnqueueTogetherAsync(server, environment.Id, ["ada@example.com", "grace@example.com", "alan@example.com"]);

        var mails = await smtp.WaitForMessagesAsync(3, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Single(mails.Select(m => m.GetProperty("connection").GetInt32()).Distinct());
        Assert.Equal(["ada@example.com", "alan@example.com", "grace@example.com"], mails.Select(m => m.Str("to")).Order(StringComparer.Ordinal));
        foreach (var id in ids) await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent && m.Attempts == 1, "each message to be marked sent");
    }

    [Fact]
    public async Task AConnectionTheRelayClosedIsReopenedForTheNextEmail()
    {
        var smtp = await OwnAsync(SmtpCaptureServer.StartAsync(new SmtpCaptureOptions { Tls = SmtpCaptureTls.Implicit, Login = (Username, Password), DropAfterEachMessage = true }));
        var server = await StartServerAsync(FastPoll, SmtpOverTls(smtp, "SslOnConnect"));
        var (environment, _, _) = await server.CreateEnvironmentAsync();

        var ids = await EnqueueTogetherAsync(server, environment.Id, ["ada@example.com", "grace@example.com", "alan@example.com"]);

        var mails = await smtp.WaitForMessagesAsync(3, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.Equal(3, mails.Select(m => m.GetProperty("connection").GetInt32()).Distinct().Count());
        // Reconnecting is part of the same attempt: none of them is recorded as failed.
        foreach (var id in ids) await RowWhenAsync(server, id, m => m.Status == OutboxStatus.Sent && m.Attempts == 1 && m.LastError is null, "each message to be marked sent");
        Assert.Equal(3, smtp.ReceivedCount);
    }

    /// <summary>Passcode emails committed in one transaction, so the dispatcher finds them all in one pass.</summary>
    private async Task<List<Guid>> EnqueueTogetherAsync(TesseraInstance server, string environmentId, string[] recipients)
    {
        await using var scope = server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TesseraDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<Outbox>();
        var expiresAt = Clock.GetUtcNow().UtcDateTime.AddMinutes(10);
        var ids = recipients.Select((recipient, i) => outbox.Enqueue(environmentId, OutboxChannel.Email, recipient, "passcode",
            MessageTemplates.PasscodeEmail("Acme", $"{i + 1:000000}", TimeSpan.FromMinutes(10)), expiresAt, captureOnly: false).Id).ToList();
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return ids;
    }

    private static string Normalize(string text) => text.ReplaceLineEndings("\n").TrimEnd();
}

public sealed class SmtpDeliveryTestsOnSqlite(PostgresServer postgres) : SmtpDeliveryTests(Backend.Sqlite, postgres);
public sealed class SmtpDeliveryTestsOnPostgres(PostgresServer postgres) : SmtpDeliveryTests(Backend.Postgres, postgres);
