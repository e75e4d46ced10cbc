// Verifying a Tessera webhook in C#, with nothing but the base library.
// (This file is compiled into Tessera's tests, which check it against real deliveries: it is known to work.)
using System.Security.Cryptography;
using System.Text;

namespace Tessera.Examples;

public static class VerifyWebhookSignature
{
    /// <summary>Deliveries older than this are refused, so a captured request cannot be replayed later.</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <param name="rawBody">The request body exactly as received (read it as a string before parsing the JSON).</param>
    /// <param name="signatureHeader">The <c>Tessera-Signature</c> header: <c>t=1795397819,v1=5f2b…</c>.</param>
    /// <param name="secret">The subscription's secret (<c>whsec_…</c>), shown once when it was created.</param>
    /// <param name="now">The current time; pass <c>DateTimeOffset.UtcNow</c>.</param>
    public static bool IsValid(string rawBody, string? signatureHeader, string secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(signatureHeader)) return false;
        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in signatureHeader.Split(','))
        {
            var pair = part.Trim().Split('=', 2);
            if (pair.Length != 2) continue;
            if (pair[0] == "t" && long.TryParse(pair[1], out var t)) timestamp = t;
            // v1 may appear more than once (e.g. while a secret is rotated): any one matching is enough.
            else if (pair[0] == "v1" && pair[1].Length == 64)
            {
                try { signatures.Add(Convert.FromHexString(pair[1])); } catch (FormatException) { }
            }
        }
        if (timestamp is null || signatures.Count == 0) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp.Value) > Tolerance.TotalSeconds) return false;

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{rawBody}"));
        // Constant-time comparison: never let timing reveal how much of a forged signature was right.
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(s, expected));
    }
}
