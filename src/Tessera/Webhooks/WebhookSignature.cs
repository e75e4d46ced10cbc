using System.Security.Cryptography;
using System.Text;

namespace Tessera.Webhooks;

/// <summary>
/// <c>Tessera-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c>. The timestamp is
/// inside the MAC, so a receiver that rejects old timestamps rejects replays.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Tessera-Signature";

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }
}
