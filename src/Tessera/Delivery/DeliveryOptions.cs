using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;

namespace Tessera.Delivery;

/// <summary>How the outbox is delivered, bound from <c>Delivery</c>.</summary>
public sealed class DeliveryOptions : IValidatableObject
{
    public const string Section = "Delivery";

    /// <summary>How often each instance looks for due messages when nothing wakes it. Defaults to 1 second.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delivery attempts before a message is given up on (dead letter). Defaults to 8.</summary>
    [Range(1, 100)] public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait after the first failure; it doubles after each further one (with ±20 % jitter). Defaults to 5 seconds.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two attempts. Defaults to 10 minutes.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long an instance holds a message it is sending: longer than any provider call (they time out
    /// after 30 s by default, 1 min at most), so a message is never sent twice; after a crash, the message is retried
    /// once it passes. Defaults to 2 minutes; at least 90 seconds.</summary>
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromMinutes(2);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PollInterval <= TimeSpan.Zero || PollInterval > TimeSpan.FromMinutes(5))
            yield return new ValidationResult("Delivery:PollInterval must be within (0, 5 min].", [nameof(PollInterval)]);
        if (RetryBaseDelay <= TimeSpan.Zero || MaxRetryDelay < RetryBaseDelay)
            yield return new ValidationResult("Delivery:RetryBaseDelay must be positive and at most Delivery:MaxRetryDelay.", [nameof(RetryBaseDelay)]);
        if (LockDuration < TimeSpan.FromSeconds(90))
            yield return new ValidationResult("Delivery:LockDuration must be at least 90 seconds (longer than any provider call).", [nameof(LockDuration)]);
    }
}

/// <summary>Email delivery, bound from <c>Email</c>.</summary>
public sealed class EmailOptions : IValidatableObject
{
    public const string Section = "Email";

    /// <summary>The sender, <c>no-reply@example.com</c> or <c>Example &lt;no-reply@example.com&gt;</c>. No default: email is
    /// not configured without it.</summary>
    public string? From { get; set; }

    public SmtpOptions Smtp { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(From) && SmtpEmailSender.ParseAddress(From) is null)
            yield return new ValidationResult("Email:From must be an email address (optionally with a display name).", [nameof(From)]);
        if (Smtp.Port is < 1 or > 65535)
            yield return new ValidationResult("Email:Smtp:Port must be between 1 and 65535.", ["Smtp.Port"]);
        if (!string.IsNullOrEmpty(Smtp.Username) && Smtp.Password is null)
            yield return new ValidationResult("Email:Smtp:Password is required with Email:Smtp:Username.", ["Smtp.Password"]);
        if (Smtp.Timeout <= TimeSpan.Zero || Smtp.Timeout > TimeSpan.FromMinutes(1))
            yield return new ValidationResult("Email:Smtp:Timeout must be within (0, 1 min].", ["Smtp.Timeout"]);
        if (!Enum.IsDefined(Smtp.Security))
            yield return new ValidationResult("Email:Smtp:Security must be Auto, StartTls, SslOnConnect, StartTlsWhenAvailable or None.", ["Smtp.Security"]);
        if (Smtp.UseTls == false && Smtp.Security is not (SmtpSecurity.Auto or SmtpSecurity.None))
            yield return new ValidationResult($"Email:Smtp:UseTls=false contradicts Email:Smtp:Security={Smtp.Security}: remove UseTls (Security replaces it).", ["Smtp.UseTls"]);
        if (Smtp.UseTls == true && Smtp.Security == SmtpSecurity.None)
            yield return new ValidationResult("Email:Smtp:UseTls=true contradicts Email:Smtp:Security=None: remove UseTls (Security replaces it).", ["Smtp.UseTls"]);
        if (!string.IsNullOrWhiteSpace(Smtp.TrustedCertificatePath))
        {
            string? error = null;
            try
            {
                if (SmtpOptions.LoadTrustedCertificates(Smtp.TrustedCertificatePath).Count == 0) error = "holds no certificate";
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
            {
                error = $"cannot be read ({ex.Message})";
            }
            if (error is not null)
                yield return new ValidationResult($"Email:Smtp:TrustedCertificatePath {error}: it must be a PEM or DER certificate file.", ["Smtp.TrustedCertificatePath"]);
        }
    }
}

/// <summary>How the connection to the relay is secured (<c>Email:Smtp:Security</c>).</summary>
public enum SmtpSecurity
{
    /// <summary>TLS from the first byte on port 465, STARTTLS (required) on any other port.</summary>
    Auto,
    /// <summary>Upgrade with STARTTLS before anything else is said; a relay that does not offer it is refused.</summary>
    StartTls,
    /// <summary>Implicit TLS ("SMTPS", port 465): the connection is TLS from the first byte.</summary>
    SslOnConnect,
    /// <summary>STARTTLS when the relay offers it, plain text otherwise: open to a downgrade by anyone on the path.</summary>
    StartTlsWhenAvailable,
    /// <summary>Plain text (a relay on the same host or private network only).</summary>
    None,
}

/// <summary>The SMTP relay, bound from <c>Email:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    /// <summary>The relay's host name. No default: email is not configured without it.</summary>
    public string? Host { get; set; }

    /// <summary>Defaults to 587 (submission).</summary>
    public int Port { get; set; } = 587;

    /// <summary>How the connection is secured. Defaults to <see cref="SmtpSecurity.Auto"/>: implicit TLS on 465,
    /// STARTTLS (required) otherwise.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.Auto;

    /// <summary>The setting <see cref="Security"/> replaced, still honoured: false means <see cref="SmtpSecurity.None"/>,
    /// true the default. Unset by default; contradicting <see cref="Security"/> fails validation.</summary>
    public bool? UseTls { get; set; }

    /// <summary>
    /// A PEM or DER file with the certificate(s) to trust for the relay besides the system's roots: a private CA, or
    /// the relay's own self-signed certificate. The host name must still match. Optional; nothing else turns
    /// certificate checks off.
    /// </summary>
    public string? TrustedCertificatePath { get; set; }

    /// <summary>Optional; with <see cref="Password"/>, the relay's login.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>How long one message may take to hand over (connecting and logging in included, when the message
    /// opens the connection). Defaults to 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><see cref="Security"/> with <see cref="UseTls"/> and <see cref="SmtpSecurity.Auto"/> resolved.</summary>
    public SmtpSecurity EffectiveSecurity => (Security, UseTls) switch
    {
        (SmtpSecurity.Auto, false) => SmtpSecurity.None,
        (SmtpSecurity.Auto, _) => Port == 465 ? SmtpSecurity.SslOnConnect : SmtpSecurity.StartTls,
        var (security, _) => security,
    };

    /// <summary>The certificates in a PEM file (any number) or a DER file (one).</summary>
    public static X509Certificate2Collection LoadTrustedCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        var text = File.ReadAllText(path);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)) certificates.ImportFromPem(text);
        else certificates.Add(X509CertificateLoader.LoadCertificateFromFile(path));
        return certificates;
    }
}

/// <summary>SMS delivery through Twilio's Messages API (or a compatible one), bound from <c>Sms:Twilio</c>.</summary>
public sealed class TwilioOptions : IValidatableObject
{
    public const string Section = "Sms:Twilio";

    /// <summary>Defaults to https://api.twilio.com.</summary>
    public string BaseUrl { get; set; } = "https://api.twilio.com";

    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>The sending number (E.164); or set <see cref="MessagingServiceSid"/> instead.</summary>
    public string? From { get; set; }

    /// <summary>A messaging service (<c>MG…</c>) that picks the sender; used when set, instead of <see cref="From"/>.</summary>
    public string? MessagingServiceSid { get; set; }

    /// <summary>How long one API call may take. Defaults to 30 seconds.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
            yield return new ValidationResult("Sms:Twilio:BaseUrl must be an absolute http(s) URL.", [nameof(BaseUrl)]);
        if (Timeout <= TimeSpan.Zero || Timeout > TimeSpan.FromMinutes(1))
            yield return new ValidationResult("Sms:Twilio:Timeout must be within (0, 1 min].", [nameof(Timeout)]);
    }
}
