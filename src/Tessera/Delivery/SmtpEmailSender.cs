using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Text;
using Microsoft.Extensions.Options;

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

/// <summary>Sends email through an SMTP relay (STARTTLS on 587 by default), as multipart/alternative text and HTML.</summary>
public sealed class SmtpEmailSender(IOptions<EmailOptions> options) : IMessageSender
{
    public OutboxChannel Channel => OutboxChannel.Email;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(options.Value.Smtp.Host) && !string.IsNullOrWhiteSpace(options.Value.From);

    public async Task SendAsync(OutboxMessage message, MessageContent content, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!IsConfigured) throw new MessageDeliveryException("SMTP is not configured");

        if (!MailAddress.TryCreate(message.Recipient, out var recipient))
            throw new MessageDeliveryException("invalid recipient address", permanent: true);
        using var mail = new MailMessage(new MailAddress(settings.From!), recipient)
        {
            Subject = content.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
        };
        // Both bodies as alternatives (text first: clients show the last one they can render).
        mail.AlternateViews.Add(View(content.Text, MediaTypeNames.Text.Plain));
        if (content.Html is not null) mail.AlternateViews.Add(View(content.Html, MediaTypeNames.Text.Html));

        // SmtpClient is not thread-safe and holds one connection: one per message is simplest at this volume.
        using var client = new SmtpClient(settings.Smtp.Host!, settings.Smtp.Port)
        {
            EnableSsl = settings.Smtp.UseTls,
            DeliveryMethod = SmtpDeliveryMethod.Network,
            Timeout = (int)settings.Smtp.Timeout.TotalMilliseconds,
        };
        if (!string.IsNullOrEmpty(settings.Smtp.Username))
            client.Credentials = new NetworkCredential(settings.Smtp.Username, settings.Smtp.Password);

        // Timeout only applies to the synchronous Send; bound the async one ourselves.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Smtp.Timeout);
        try
        {
            await client.SendMailAsync(mail, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MessageDeliveryException($"SMTP timeout after {settings.Smtp.Timeout.TotalSeconds:0} s");
        }
        catch (SmtpFailedRecipientException ex)
        {
            // 550/551/553: the mailbox does not exist or is refused; retrying will not change that.
            var permanent = ex.StatusCode is SmtpStatusCode.MailboxUnavailable or SmtpStatusCode.UserNotLocalTryAlternatePath or SmtpStatusCode.MailboxNameNotAllowed;
            throw new MessageDeliveryException(Reason(ex), permanent, ex);
        }
        catch (SmtpException ex)
        {
            throw new MessageDeliveryException(Reason(ex), inner: ex);
        }
    }

    private static AlternateView View(string body, string mediaType)
    {
        var view = AlternateView.CreateAlternateViewFromString(body, Encoding.UTF8, mediaType);
        view.TransferEncoding = TransferEncoding.QuotedPrintable;
        return view;
    }

    // The status and the relay's or socket's reason; SmtpException messages never include the message body.
    private static string Reason(SmtpException ex)
    {
        var reason = $"SMTP {(int)ex.StatusCode} {ex.StatusCode}: {ex.Message}";
        if (ex.InnerException is { } inner) reason += $" ({inner.GetType().Name}: {inner.Message})";
        return reason;
    }
}
