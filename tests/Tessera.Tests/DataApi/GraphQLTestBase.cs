using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tessera.FinancialData;
using Tessera.Security;
using Tessera.Tests.Infrastructure;

namespace Tessera.Tests.DataApi;

/// <summary>GraphQL over HTTP as the SDK sends it, and a seeded profile with financial data.</summary>
public abstract class GraphQLTestBase(Backend backend, PostgresServer postgres) : TesseraTestBase(backend, postgres)
{
    protected sealed record Seeded(string ProfileId, string Token, string ConnectionId, string[] AccountIds, string[] TransactionIds);

    /// <summary>A profile with a session token, one connection, two accounts and <paramref name="transactions"/> transactions.</summary>
    protected async Task<Seeded> SeedProfileAsync(int transactions, string? apiSecret = null, string? environmentId = null)
    {
        var issued = await (await Server.SendAsync(HttpMethod.Post, "/v1/users/sessions", apiSecret ?? ApiSecret, new { })).JsonAsync();
        var profileId = issued.Str("userId");
        var env = environmentId ?? Environment.Id;
        var now = Clock.GetUtcNow().UtcDateTime;
        var connection = new Connection { Id = Ids.New("conn_"), EnvironmentId = env, ProfileId = profileId, Provider = ConnectionProvider.Import, Status = ConnectionStatus.Synced, InstitutionName = "Test Bank", CreatedAt = now, UpdatedAt = now };
        var accounts = new[]
        {
            new Account { Id = Ids.New("acct_"), EnvironmentId = env, ProfileId = profileId, ConnectionId = connection.Id, Name = "Checking", Type = AccountType.Checking, Kind = AccountKind.Depository, CurrencyCode = "USD", CreatedAt = now, UpdatedAt = now },
            new Account { Id = Ids.New("acct_"), EnvironmentId = env, ProfileId = profileId, ConnectionId = connection.Id, Name = "Card", Type = AccountType.Credit, Kind = AccountKind.Credit, CurrencyCode = "USD", CreatedAt = now, UpdatedAt = now },
        };
        var start = new DateOnly(2026, 1, 1);
        var rows = Enumerable.Range(0, transactions).Select(i => new Transaction
        {
            Id = Ids.New("txn_"), EnvironmentId = env, ProfileId = profileId, AccountId = accounts[i % 2].Id,
            // Several per day, so the (date, id) keyset is exercised on ties.
            Date = start.AddDays(i / 3), Description = $"Purchase {i}", Amount = 100 + i, CurrencyCode = "USD",
            EntryType = i % 5 == 0 ? EntryType.Credit : EntryType.Debit, Status = TransactionStatus.Posted,
            MerchantName = i % 7 == 0 ? "Corner Cafe" : null, CreatedAt = now, UpdatedAt = now,
        }).ToList();
        var balance = new Balance { Id = Ids.New("bal_"), EnvironmentId = env, ProfileId = profileId, AccountId = accounts[0].Id, At = now, Current = 123_45, Available = 100_00, CreatedAt = now, UpdatedAt = now };
        await Server.WithDbAsync(async db =>
        {
            db.Connections.Add(connection);
            db.Accounts.AddRange(accounts);
            db.Transactions.AddRange(rows);
            db.Balances.Add(balance);
            return await db.SaveChangesAsync();
        });
        return new Seeded(profileId, issued.Str("token"), connection.Id, accounts.Select(a => a.Id).ToArray(), rows.Select(t => t.Id).ToArray());
    }

    protected async Task<HttpResponseMessage> PostGraphQLAsync(object body, string? token, string? accept = null, string? basic = null, TesseraInstance? server = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/graphql") { Content = JsonContent.Create(body) };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (basic is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(basic)));
        if (accept is not null) request.Headers.TryAddWithoutValidation("Accept", accept);
        return await (server ?? Server).Http.SendAsync(request);
    }

    /// <summary>Runs one operation and returns its <c>data</c>, failing on any error.</summary>
    protected async Task<JsonElement> QueryAsync(string token, string query, object? variables = null)
    {
        var response = await PostGraphQLAsync(new { query, variables }, token);
        var body = await response.JsonAsync();
        if (body.TryGetProperty("errors", out var errors)) throw new Xunit.Sdk.XunitException($"GraphQL errors: {errors}");
        return body.GetProperty("data");
    }
}
