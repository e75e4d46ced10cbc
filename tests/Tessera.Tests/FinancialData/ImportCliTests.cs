using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.FinancialData;

/// <summary>`tessera import` and `tessera mock-bank`, run as the real executable against the suite's database.</summary>
public abstract class ImportCliTests(Backend backend, PostgresServer postgres) : FinancialDataTestBase(backend, postgres)
{
    private TesseraCliProcess Cli => new(Provider, ConnectionString);

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args) => Cli.RunAsync(args);

    private Task<JsonElement> JsonAsync(params string[] args) => Cli.JsonAsync(args);

    private static string TempFile(string extension, string content)
    {
        var path = Path.Combine(Path.GetTempPath(), "tessera-import-" + Guid.NewGuid().ToString("N") + extension);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public async Task TheImportCommandImportsAJsonArrayOrNdjsonFileIdempotentlyAndPrintsTheCounts()
    {
        var (profileId, profileUuid) = await CreateProfileAsync();
        Guid conn = Guid.NewGuid(), account = Guid.NewGuid();
        var array = TempFile(".json", JsonSerializer.Serialize(new object[] { Connection(conn, profileUuid), Account(account, conn), Transaction(Guid.NewGuid(), account) }));
        var transactions = Enumerable.Range(0, 50).Select(i => JsonSerializer.Serialize(Transaction(Guid.NewGuid(), account, amount: i + 1)));
        var ndjson = TempFile(".data", string.Join("\n", transactions)); // no telling extension: recognised by content
        try
        {
            var first = await JsonAsync("import", array, "--environment", Environment.Name);
            Assert.Equal((1, 1, 1), (first.GetProperty("imported").GetProperty("connection").GetInt32(), first.GetProperty("imported").GetProperty("account").GetInt32(),
                first.GetProperty("imported").GetProperty("transaction").GetInt32()));
            Assert.Equal(0, first.GetProperty("failed").GetInt32());
            Assert.Equal(1, (await JsonAsync("import", array, "--environment", Environment.Id)).GetProperty("imported").GetProperty("transaction").GetInt32());

            var (exitCode, text, _) = await RunAsync("import", ndjson, "--environment", Environment.Name);
            Assert.Equal(0, exitCode);
            Assert.Contains("50 transactions", text);
            Assert.Equal(51, await CountTransactionsAsync(profileId));
            Assert.Equal(1, await DbAsync(db => db.Connections.CountAsync(c => c.ProfileId == profileId)));

            File.WriteAllText(ndjson, JsonSerializer.Serialize(Transaction(Guid.NewGuid(), account)) + "\n" + "{\"type\": \"transaction\", \"uuid\": \"nope\"}\n");
            var (failedExit, _, stderr) = await RunAsync("import", ndjson, "--environment", Environment.Name);
            Assert.Equal(1, failedExit);
            Assert.Contains("record 1 (transaction): uuid must be a UUID", stderr);
            Assert.Equal(52, await CountTransactionsAsync(profileId));

            var (missingExit, _, missing) = await RunAsync("import", array, "--environment", "no-such-environment");
            Assert.Equal(1, missingExit);
            Assert.Contains("No environment", missing);
        }
        finally
        {
            File.Delete(array);
            File.Delete(ndjson);
        }
    }

    [Fact]
    public async Task TheMockBankCommandCreatesASandboxConnectionOnceAndRefusesProduction()
    {
        var (profileId, profileUuid) = await CreateProfileAsync();

        var created = await JsonAsync("mock-bank", "--profile", profileUuid.ToString(), "--environment", Environment.Name);
        Assert.Equal("MOCK", created.GetProperty("connection").Str("provider"));
        Assert.Equal(MockBank.InstitutionName, created.GetProperty("connection").GetProperty("institution").Str("name"));
        Assert.Equal(["CHECKING", "CREDIT", "INVESTMENT", "INVESTMENT", "SAVINGS"], created.GetProperty("accounts").EnumerateArray().Select(a => a.Str("type")).Order());
        var count = created.GetProperty("transactions").GetInt32();
        Assert.True(count > 300, $"a year of transactions, got {count}");
        Assert.Equal(count, await CountTransactionsAsync(profileId));

        var again = await JsonAsync("mock-bank", "--profile", profileId, "--environment", Environment.Id);
        Assert.Equal(created.GetProperty("connection").Str("id"), again.GetProperty("connection").Str("id"));
        Assert.Equal(count, await CountTransactionsAsync(profileId));

        var (production, productionSecret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        var (productionProfile, _) = await CreateProfileAsync(productionSecret);
        var (exitCode, _, stderr) = await RunAsync("mock-bank", "--profile", productionProfile, "--environment", production.Name);
        Assert.Equal(1, exitCode);
        Assert.Contains("SANDBOX environments only", stderr);
        Assert.Equal(0, await DbAsync(db => db.Connections.CountAsync(c => c.EnvironmentId == production.Id)));
    }
}

public sealed class ImportCliTestsOnSqlite(PostgresServer postgres) : ImportCliTests(Backend.Sqlite, postgres);
public sealed class ImportCliTestsOnPostgres(PostgresServer postgres) : ImportCliTests(Backend.Postgres, postgres);
