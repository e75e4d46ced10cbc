using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;
using MimeKit.Text;
using MimeKit.Utils;

namespace Tessera.Delivery;

/// <summary>
/// A provider refused or could not take a message. <see cref="Exception.Message"/> is the provider's status and
/// reason only, never the content, so it may be stored and logged.
/// </summary>
public sealed class MessageDeliveryException(string reason, bool permanent = false, Exception? inner = null) : Exception(reason, inner)
{
    /// <summary>Retrying cannot help (a rejected recipient): the message is given up on at once.</summary>
    public bool Permanent { get; } = permanent;
}

/// <summary>
/// Sends email through an SMTP relay with MailKit (STARTTLS on 587, implicit TLS on 465), as multipart/alternative
/// text and HTML. A session (one dispatcher pass) keeps one connection for all its messages.
/// </summary>
/// <remarks>
/// Failures: a recipient refused with 550, 551 or 553 is permanent (the mailbox does not exist or is not accepted;
/// retrying sends the same thing). Every other refusal, a refused login, a connection or TLS failure and a timeout
/// are temporary: waiting, or the operator fixing the configuration, can make a later attempt succeed while the
/// passcode is still valid, and the dispatcher's log names the reason at each attempt.
/// </remarks>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options, TimeProvider clock, ILogger<SmtpEmailSender> logger) : IMessageSender
{
    // "ada" alone is not an address to send to; MimeKit accepts it by default.
    private static readonly ParserOptions Addresses = new() { AllowAddressesWithoutDomain = false };

    private readonly Lazy<X509Certificate2Collection> _trusted = new(() =>
        string.IsNullOrWhiteSpace(options.Value.Smtp.TrustedCertificatePath) ? [] : SmtpOptions.LoadTrustedCertificates(options.Value.Smtp.TrustedCertificatePath));

    private SmtpOptions Smtp => options.Value.Smtp;
    private ILogger Logger => logger;

    public OutboxChannel Channel => OutboxChannel.Email;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Smtp.Host) && !string.IsNullOrWhiteSpace(options.Value.From);

    public async Task SendAsync(OutboxMessage message, MessageContent content, CancellationToken cancellationToken)
    {
        await using var session = OpenSession();
        await session.SendAsync(message, content, cancellationToken);
    }

    public IMessageSenderSession OpenSession() => new SmtpSession(this);

    /// <summary>An address with a domain, optionally with a display name; null when the text is not one.</summary>
    public static MailboxAddress? ParseAddress(string text) =>
        MailboxAddress.TryParse(Addresses, text, out var address) && address.Address.Contains('@') ? address : null;

    private MimeMessage Compose(MailboxAddress to, MessageContent content)
    {
        var from = ParseAddress(options.Value.From!) ?? throw new MessageDeliveryException("Email:From is not an email address");
        var mail = new MimeMessage { Subject = content.Subject, Date = clock.GetUtcNow(), MessageId = MimeUtils.GenerateMessageId(from.Domain) };
        mail.From.Add(from);
        mail.To.Add(to);
        var text = new TextPart(TextFormat.Plain) { Text = content.Text };
        // Both bodies as alternatives (text first: clients show the last one they can render).
        mail.Body = content.Html is null ? text : new MultipartAlternative { text, new TextPart(TextFormat.Html) { Text = content.Html } };
        return mail;
    }

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
        SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        SmtpSecurity.None => SecureSocketOptions.None,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, "resolve Auto first"),
    };

    /// <summary>One connection, opened at the first message, reopened when the relay dropped it, closed at the end.</summary>
    private sealed class SmtpSession(SmtpEmailSender sender) : IMessageSenderSession
    {
        private SmtpClient? _client;
        private int _sentOnConnection;
        private string? _certificateProblem;

        public async Task SendAsync(OutboxMessage message, MessageContent content, CancellationToken cancellationToken)
        {
            var smtp = sender.Smtp;
            if (!sender.IsConfigured) throw new MessageDeliveryException("SMTP is not configured");
            var to = ParseAddress(message.Recipient) ?? throw new MessageDeliveryException("invalid recipient address", permanent: true);
            using var mail = sender.Compose(to, content);

            // One budget for the whole hand-over, a reconnection included, so a message never outlasts the dispatcher's lock.
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(smtp.Timeout);
            try
            {
                try
                {
                    await SendOnceAsync(mail, timeout.Token);
                }
                catch (Exception ex) when (_sentOnConnection > 0 && IsDroppedConnection(ex) && !timeout.IsCancellationRequested)
                {
                    // The relay closed the connection kept since the previous message (an idle limit, a restart). If it
                    // had in fact taken this message, it is sent twice: delivery is at least once anyway.
                    sender.Logger.LogInformation("The SMTP relay {Host}:{Port} closed the connection ({Error}); reconnecting", smtp.Host, smtp.Port, ex.GetType().Name);
                    Drop();
                    await SendOnceAsync(mail, timeout.Token);
                }
            }
            catch (Exception ex)
            {
                // After a failure the connection's state is unknown: the next message starts on a new one.
                Drop();
                if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested) throw;
                var classified = Classify(ex, smtp);
                if (classified is null) throw;
                throw classified;
            }
        }

        private async Task SendOnceAsync(MimeMessage mail, CancellationToken cancellationToken)
        {
            if (_client is not { IsConnected: true })
            {
                Drop();
                _client = await ConnectAsync(cancellationToken);
            }
            await _client.SendAsync(mail, cancellationToken);
            _sentOnConnection++;
        }

        private async Task<SmtpClient> ConnectAsync(CancellationToken cancellationToken)
        {
            var smtp = sender.Smtp;
            var security = smtp.EffectiveSecurity;
            _certificateProblem = null;
            var client = new SmtpClient
            {
                // Per read or write; the message's overall budget is the cancellation token.
                Timeout = (int)smtp.Timeout.TotalMilliseconds,
                ServerCertificateValidationCallback = ValidateCertificate,
            };
            try
            {
                await client.ConnectAsync(smtp.Host!, smtp.Port, ToMailKit(security), cancellationToken);
                // MailKit picks the strongest mechanism both sides know (PLAIN, LOGIN, SCRAM, ...).
                if (!string.IsNullOrEmpty(smtp.Username)) await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
            }
            catch
            {
                client.Dispose();
                throw;
            }
            sender.Logger.LogDebug("Connected to the SMTP relay {Host}:{Port} ({Security}, {Tls})", smtp.Host, smtp.Port, security,
                client.IsSecure ? client.SslProtocol.ToString() : "no TLS");
            return client;
        }

        /// <summary>
        /// The system's verdict, except that a chain the system does not trust is accepted when it leads to a
        /// certificate of <c>Email:Smtp:TrustedCertificatePath</c>. A wrong host name is never accepted.
        /// </summary>
        private bool ValidateCertificate(object _, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            if (errors == SslPolicyErrors.None) return true;
            var trusted = sender._trusted.Value;
            if (certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors || trusted.Count == 0)
            {
                _certificateProblem = Describe(errors, chain);
                return false;
            }
            using var custom = new X509Chain();
            custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            custom.ChainPolicy.CustomTrustStore.AddRange(trusted);
            // A private CA rarely publishes revocation lists; the operator named these certificates explicitly.
            custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (chain is not null)
                foreach (var element in chain.ChainElements) custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            if (custom.Build(leaf)) return true;
            _certificateProblem = Describe(errors, custom) + " (not under Email:Smtp:TrustedCertificatePath either)";
            return false;
        }

        private static string Describe(SslPolicyErrors errors, X509Chain? chain)
        {
            var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
            return statuses.Count == 0 ? errors.ToString() : $"{errors}: {string.Join(", ", statuses)}";
        }

        private static bool IsDroppedConnection(Exception ex) =>
            ex is IOException or SocketException or SmtpProtocolException or ServiceNotConnectedException
            || ex is SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable };

        private MessageDeliveryException? Classify(Exception ex, SmtpOptions smtp)
        {
            var relay = $"{smtp.Host}:{smtp.Port}";
            switch (ex)
            {
                case OperationCanceledException:
                    return new MessageDeliveryException($"SMTP timeout after {smtp.Timeout.TotalSeconds:0} s", inner: ex);
                case SmtpCommandException command:
                    // 550/551/553 to RCPT: the mailbox does not exist or is refused; retrying will not change that.
                    var permanent = command.ErrorCode == SmtpErrorCode.RecipientNotAccepted && command.StatusCode is
                        SmtpStatusCode.MailboxUnavailable or SmtpStatusCode.UserNotLocalTryAlternatePath or SmtpStatusCode.MailboxNameNotAllowed;
                    return new MessageDeliveryException($"SMTP {(int)command.StatusCode} {command.StatusCode}: {command.Message}", permanent, ex);
                case AuthenticationException:
                    return new MessageDeliveryException($"SMTP login to {relay} as {smtp.Username} refused (check Email:Smtp:Username and Password): {ex.Message}", inner: ex);
                case SslHandshakeException:
                    var problem = _certificateProblem is null
                        ? ex.InnerException?.Message ?? "the handshake failed"
                        : $"the relay's certificate is not trusted ({_certificateProblem}); if it is issued by a private CA, set Email:Smtp:TrustedCertificatePath";
                    sender.Logger.LogError("TLS with the SMTP relay {Relay} failed: {Problem}; email stays queued until it is fixed", relay, problem);
                    return new MessageDeliveryException($"SMTP TLS with {relay} failed: {problem}", inner: ex);
                case NotSupportedException:
                    // The relay lacks what the settings require: STARTTLS (Email:Smtp:Security) or AUTH (Email:Smtp:Username).
                    return new MessageDeliveryException($"SMTP relay {relay} (Security {smtp.EffectiveSecurity}): {ex.Message}", inner: ex);
                case SmtpProtocolException or IOException or SocketException or ServiceNotConnectedException or TimeoutException:
                    var reason = $"SMTP connection to {relay} failed: {ex.GetType().Name}: {ex.Message}";
                    if (ex.InnerException is { } inner) reason += $" ({inner.GetType().Name}: {inner.Message})";
                    return new MessageDeliveryException(reason, inner: ex);
                default:
                    return null;
            }
        }

        private void Drop()
        {
            _client?.Dispose();
            _client = null;
            _sentOnConnection = 0;
        }

        public async ValueTask DisposeAsync()
        {
            if (_client is { IsConnected: true } client)
            {
                // QUIT politely, but never let a slow relay hold up the dispatcher (or its shutdown).
                using var timeout = new CancellationTokenSource(sender.Smtp.Timeout);
                try
                {
                    await client.DisconnectAsync(quit: true, timeout.Token);
                }
                catch (Exception ex)
                {
                    // The messages are delivered already; a relay that hangs up first costs nothing.
                    sender.Logger.LogDebug("Closing the SMTP connection failed: {Error}", ex.GetType().Name);
                }
            }
            Drop();
        }
    }
}
