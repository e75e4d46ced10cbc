using System.Security.Cryptography;
using System.Text;

namespace Tessera.Webhooks;

/// <summary>
/// Every delivery carries two signatures with the same secret and timestamp, so receivers written for either verify it:
/// <list type="bullet">
/// <item>Quiltt's: <c>Quiltt-Timestamp: &lt;unix seconds&gt;</c> and <c>Quiltt-Signature: base64(HMAC-SHA256(secret, "1" + timestamp + body))</c>,
/// the "1" being the version of the scheme.</item>
/// <item>Tessera's: <c>Tessera-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "&lt;t&gt;.&lt;body&gt;")&gt;</c>.</item>
/// </list>
/// Both put the timestamp inside the MAC, so a receiver that rejects old timestamps rejects replays.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Tessera-Signature";
    public const string QuilttSignatureHeader = "Quiltt-Signature";
    public const string QuilttTimestampHeader = "Quiltt-Timestamp";
    /// <summary>The version Quiltt's scheme prefixes to what it signs.</summary>
    public const string QuilttVersion = "1";

    public static string Sign(string secret, long timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return $"t={timestamp},v1={Convert.ToHexStringLower(mac)}";
    }

    public static string SignQuiltt(string secret, long timestamp, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{QuilttVersion}{timestamp}{body}")));
}
