using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Tessera.Security;
using Tessera.Sessions;

namespace Tessera.Statements;

/// <summary>Options of statement PDF links. Bound from <c>Statements</c>.</summary>
public sealed class StatementOptions
{
    public const string Section = "Statements";

    /// <summary>How long a statement PDF URL works after the API hands it out. Defaults to 15 minutes.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan PdfUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>What a statement PDF link is worth at a given moment.</summary>
public enum StatementLinkCheck { Valid, Tampered, Expired }

/// <summary>
/// Capability URLs for the PDFs Tessera serves itself (SANDBOX mock statements):
/// <c>/v1/statements/{id}.pdf?expires=&lt;unix seconds&gt;&amp;signature=&lt;HMAC-SHA256&gt;</c>. Whoever holds the URL may
/// fetch the PDF until it expires, with no session: the signature binds the statement id and the expiry, under a key
/// derived from the server's master key (so every instance sharing the master key accepts it, and rotating it revokes
/// every link).
/// </summary>
public sealed class StatementLinks(MasterKeyProvider masterKey, TimeProvider clock, IOptions<StatementOptions> options, IOptions<SessionTokenOptions> server)
{
    public const string PathPrefix = "/v1/statements/";

    /// <summary>A URL for the statement's PDF that works for <see cref="StatementOptions.PdfUrlLifetime"/> from now.</summary>
    public string Create(string statementId)
    {
        var expires = clock.GetUtcNow().Add(options.Value.PdfUrlLifetime).ToUnixTimeSeconds();
        return $"{server.Value.PublicBaseUrl.TrimEnd('/')}{PathPrefix}{Uri.EscapeDataString(statementId)}.pdf?expires={expires.ToString(CultureInfo.InvariantCulture)}&signature={Sign(statementId, expires)}";
    }

    /// <summary>
    /// The PDF address a client is given for a statement: a fresh link to Tessera's own PDF for a mock statement,
    /// the imported URL (or null) for any other.
    /// </summary>
    public string? UrlOf(FinancialData.Statement statement) => statement.MockPdf ? Create(statement.Id) : statement.Url;

    /// <summary>The signature is checked first: a tampered expiry is tampering, not expiry.</summary>
    public StatementLinkCheck Check(string statementId, string? expires, string? signature)
    {
        if (!long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var expiresAt) || signature is null || signature.Length != 64)
            return StatementLinkCheck.Tampered;
        var expected = Encoding.ASCII.GetBytes(Sign(statementId, expiresAt));
        // Constant time: a byte-by-byte comparison would tell an attacker how much of a guess was right.
        if (!CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(signature.ToLowerInvariant())))
            return StatementLinkCheck.Tampered;
        return Decide(expiresAt, clock.GetUtcNow());
    }

    /// <summary>A link works up to, not including, its expiry second.</summary>
    public static StatementLinkCheck Decide(long expiresAt, DateTimeOffset now) =>
        now.ToUnixTimeSeconds() < expiresAt ? StatementLinkCheck.Valid : StatementLinkCheck.Expired;

    private string Sign(string statementId, long expires)
    {
        // A key of its own (HKDF from the master key): a statement link's MAC can never stand for anything else.
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, masterKey.Key, 32, info: "tessera statement pdf url v1"u8.ToArray());
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(statementId + "\n" + expires.ToString(CultureInfo.InvariantCulture)));
        return Convert.ToHexStringLower(mac);
    }
}
