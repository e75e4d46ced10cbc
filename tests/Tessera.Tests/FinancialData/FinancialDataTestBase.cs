using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.FinancialData;

/// <summary>Helpers of the financial-data suites: profiles, imports over HTTP, and record builders.</summary>
public abstract class FinancialDataTestBase(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    /// <summary>Small enough to test the limit with a few megabytes, large enough for the 5k-record import.</summary>
    protected const long MaxBodyBytes = 3 * 1024 * 1024;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Import:MaxBodyBytes"] = MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Limits:Requests:PerMinute"] = "100000",
    };

    protected async Task<(string Id, Guid Uuid)> CreateProfileAsync(string? secret = null)
    {
        var uuid = Guid.NewGuid();
        var response = await Server.SendAsync(HttpMethod.Post, "/v1/profiles", secret ?? ApiSecret, new { uuid });
        response.EnsureSuccessStatusCode();
        return ((await response.JsonAsync()).Str("id"), uuid);
    }

    protected Task<HttpResponseMessage> ImportAsync(object[] records, string? secret = null) =>
        Server.SendAsync(HttpMethod.Post, "/v1/import", secret ?? ApiSecret, records);

    protected Task<HttpResponseMessage> ImportNdjsonAsync(IEnumerable<object> records, string? secret = null) =>
        Server.SendAsync(HttpMethod.Post, "/v1/import", secret ?? ApiSecret,
            rawBody: string.Join("\n", records.Select(r => r as string ?? JsonSerializer.Serialize(r))) + "\n", contentType: "application/x-ndjson");

    protected Task<HttpResponseMessage> PostRawAsync(HttpContent content, string? secret = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/import") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret ?? ApiSecret);
        return Server.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    protected static object Connection(Guid uuid, Guid profileUuid, string institution = "First Test Bank") =>
        new { type = "connection", uuid, profileUuid, provider = "IMPORT", status = "SYNCED", institution = new { id = "ins_1", name = institution, logoUrl = "https://logo.example.com/1.png" }, metadata = new { source = "test" } };

    protected static object Account(Guid uuid, Guid connectionUuid, string name = "Checking", string accountType = "CHECKING") =>
        new { type = "account", uuid, connectionUuid, name, mask = "1234", accountType, currencyCode = "usd", verified = true };

    protected static object Transaction(Guid uuid, Guid accountUuid, string date = "2026-11-01", long amount = 1234, string entryType = "DEBIT", string description = "Coffee") =>
        new { type = "transaction", uuid, accountUuid, date, description, amount, entryType, status = "POSTED", merchant = new { id = "mer_1", name = "Blue Bottle" } };

    protected static object Balance(Guid uuid, Guid accountUuid, string at, long current) =>
        new { type = "balance", uuid, accountUuid, at, current, available = current };

    protected Task<T> DbAsync<T>(Func<Tessera.Data.TesseraDbContext, Task<T>> query) => Server.WithDbAsync(query);

    protected Task<int> CountTransactionsAsync(string profileId) => DbAsync(db => db.Transactions.CountAsync(t => t.ProfileId == profileId));
}
