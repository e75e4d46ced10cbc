using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Tessera.Delivery;

/// <summary>
/// Sends SMS through Twilio's Messages API (<c>POST /2010-04-01/Accounts/{sid}/Messages.json</c>), or any service
/// that speaks it (set <c>Sms:Twilio:BaseUrl</c>).
/// </summary>
public sealed class TwilioSmsSender(IHttpClientFactory httpClients, IOptions<TwilioOptions> options) : IMessageSender
{
    public const string HttpClientName = "twilio";

    public OutboxChannel Channel => OutboxChannel.Sms;

    public bool IsConfigured
    {
        get
        {
            var o = options.Value;
            return !string.IsNullOrWhiteSpace(o.AccountSid) && !string.IsNullOrWhiteSpace(o.AuthToken)
                && (!string.IsNullOrWhiteSpace(o.From) || !string.IsNullOrWhiteSpace(o.MessagingServiceSid));
        }
    }

    public async Task SendAsync(OutboxMessage message, MessageContent content, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (!IsConfigured) throw new MessageDeliveryException("Twilio is not configured");

        var fields = new List<KeyValuePair<string, string>> { new("To", message.Recipient), new("Body", content.Text) };
        fields.Add(string.IsNullOrWhiteSpace(settings.MessagingServiceSid)
            ? new("From", settings.From!)
            : new("MessagingServiceSid", settings.MessagingServiceSid));

        var url = $"{settings.BaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(settings.AccountSid!)}/Messages.json";
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.AccountSid}:{settings.AuthToken}")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var http = httpClients.CreateClient(HttpClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new MessageDeliveryException($"Twilio timeout after {settings.Timeout.TotalSeconds:0} s");
        }
        catch (HttpRequestException ex)
        {
            throw new MessageDeliveryException($"Twilio unreachable: {ex.HttpRequestError} {ex.Message}", inner: ex);
        }

        using (response)
        {
            if (response.IsSuccessStatusCode) return;
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new MessageDeliveryException(Reason(response.StatusCode, body), IsPermanent(response.StatusCode));
        }
    }

    // Twilio's error body is {"code": 21211, "message": "The 'To' number … is not a valid phone number.", "more_info": …, "status": 400}:
    // keep the code and message (they describe the request, never echo the SMS body).
    private static string Reason(HttpStatusCode status, string body)
    {
        var reason = $"Twilio {(int)status}";
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.ValueKind == JsonValueKind.Object)
            {
                if (json.RootElement.TryGetProperty("code", out var code) && code.ValueKind is JsonValueKind.Number or JsonValueKind.String)
                    reason += $" code {code}";
                if (json.RootElement.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String)
                    reason += $": {Truncate(text.GetString()!, 300)}";
            }
        }
        catch (JsonException)
        {
            // Not Twilio's JSON (a proxy's error page): the status says enough.
        }
        return reason;
    }

    // A 400 is about the request itself (an invalid or unreachable number): retrying sends the same thing.
    // 401/403/404 may be fixed by the operator, 408/429/5xx by waiting.
    private static bool IsPermanent(HttpStatusCode status) => status == HttpStatusCode.BadRequest;

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max] + "…";
}
