using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Environments;
using Tessera.FinancialData;
using Tessera.Tests.Infrastructure;
using Xunit;

namespace Tessera.Tests.FinancialData;

/// <summary>The mock bank as the GraphQL mutation <c>connectorMockInitialize</c> will call it: the service, in the server.</summary>
public abstract class MockBankTests(Backend backend, PostgresServer postgres) : FinancialDataTestBase(backend, postgres)
{
    private async Task<Connection> CreateMockBankAsync(string environmentId, string profileId)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<MockBank>().CreateAsync(environmentId, profileId, TestContext.Current.CancellationToken);
    }

    private Task<List<(DateOnly Date, string Description, long Amount, EntryType EntryType, string Account)>> TransactionsAsync(string profileId) =>
        DbAsync(async db => (await (from t in db.Transactions.AsNoTracking()
                                    join a in db.Accounts on t.AccountId equals a.Id
                                    where t.ProfileId == profileId
                                    select new { t.Date, t.Description, t.Amount, t.EntryType, a.Name, t.Uuid }).ToListAsync())
            .OrderBy(t => t.Date).ThenBy(t => t.Uuid).Select(t => (t.Date, t.Description, t.Amount, t.EntryType, t.Name)).ToList());

    [Fact]
    public async Task TheMockBankGivesASandboxProfileAYearOfRealisticData()
    {
        var (profileId, _) = await CreateProfileAsync();

        var connection = await CreateMockBankAsync(Environment.Id, profileId);

        Assert.Equal((ConnectionProvider.Mock, ConnectionStatus.Synced, MockBank.InstitutionName), (connection.Provider, connection.Status, connection.InstitutionName));
        var accounts = await DbAsync(db => db.Accounts.AsNoTracking().Where(a => a.ConnectionId == connection.Id).ToListAsync());
        Assert.Equal([AccountType.Checking, AccountType.Savings, AccountType.Credit, AccountType.Investment, AccountType.Investment], accounts.Select(a => a.Type).Order());
        var transactions = await TransactionsAsync(profileId);
        var today = DateOnly.FromDateTime(Clock.GetUtcNow().UtcDateTime);
        Assert.InRange(transactions.Count, 400, 2500);
        Assert.True(transactions[0].Date >= today.AddYears(-1) && transactions[0].Date <= today.AddYears(-1).AddDays(7));
        Assert.True(transactions[^1].Date <= today);
        Assert.All(transactions, t => Assert.True(t.Amount > 0));
        Assert.InRange(transactions.Count(t => t.Description.EndsWith("PAYROLL DIRECT DEP", StringComparison.Ordinal)), 23, 25);
        Assert.InRange(transactions.Count(t => t.Description.StartsWith("Rent - ", StringComparison.Ordinal)), 12, 13);
        Assert.Contains(transactions, t => t.Description == "Interest Payment" && t.Account == "High-Yield Savings" && t.EntryType == EntryType.Credit);
        Assert.Contains(transactions, t => t.Description == "Payment - Thank You" && t.Account == "Rewards Visa Signature");
        Assert.Contains(transactions, t => t.Description == "Transfer to High-Yield Savings" && t.EntryType == EntryType.Debit);
        Assert.True(transactions.Select(t => t.Description).Distinct().Count() > 15);

        var card = accounts.Single(a => a.Type == AccountType.Credit);
        var latest = await DbAsync(db => db.Balances.AsNoTracking().Where(b => b.AccountId == card.Id).OrderByDescending(b => b.At).FirstAsync());
        Assert.True(latest.Current < 0, $"a credit card carries a negative balance, got {latest.Current}");
        Assert.Equal(latest.CreditLimit + latest.Current, latest.Available);
        var checking = accounts.Single(a => a.Type == AccountType.Checking);
        Assert.InRange(await DbAsync(db => db.Balances.CountAsync(b => b.AccountId == checking.Id)), 12, 13);
        Assert.True(await DbAsync(db => db.Balances.Where(b => b.AccountId == checking.Id).AllAsync(b => b.Current > 0)));
    }

    [Fact]
    public async Task TheSameProfileGetsTheSameTransactionsEveryTimeAndAnotherProfileOthers()
    {
        var (profileId, _) = await CreateProfileAsync();
        var first = await CreateMockBankAsync(Environment.Id, profileId);
        var before = await TransactionsAsync(profileId);

        Assert.Equal(first.Id, (await CreateMockBankAsync(Environment.Id, profileId)).Id);
        Assert.Equal(before.Count, (await TransactionsAsync(profileId)).Count);

        // Recreated from nothing: new ids, the same data.
        await DbAsync(db => db.Connections.Where(c => c.Id == first.Id).ExecuteDeleteAsync());
        Assert.Empty(await TransactionsAsync(profileId));
        var second = await CreateMockBankAsync(Environment.Id, profileId);
        Assert.NotEqual(first.Id, second.Id);
        Assert.Equal(before, await TransactionsAsync(profileId));

        var (otherProfile, _) = await CreateProfileAsync();
        await CreateMockBankAsync(Environment.Id, otherProfile);
        Assert.NotEqual(before.Select(t => (t.Date, t.Amount)), (await TransactionsAsync(otherProfile)).Select(t => (t.Date, t.Amount)));
    }

    [Fact]
    public async Task TheMockBankRefusesEnvironmentsThatAreNotSandboxesAndProfilesOfOtherEnvironments()
    {
        var (production, productionSecret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Production);
        var (productionProfile, _) = await CreateProfileAsync(productionSecret);
        var refused = await Assert.ThrowsAsync<MockBankException>(() => CreateMockBankAsync(production.Id, productionProfile));
        Assert.Contains("SANDBOX", refused.Message);

        var (development, developmentSecret, _) = await Server.CreateEnvironmentAsync(mode: EnvironmentMode.Development);
        await Assert.ThrowsAsync<MockBankException>(async () => await CreateMockBankAsync(development.Id, (await CreateProfileAsync(developmentSecret)).Id));

        // A sandbox cannot reach a profile of another environment either.
        await Assert.ThrowsAsync<MockBankException>(() => CreateMockBankAsync(Environment.Id, productionProfile));
        Assert.Equal(0, await DbAsync(db => db.Connections.CountAsync()));
    }

    [Fact]
    public void TheGeneratorIsAPureFunctionOfTheProfileAndTheDay()
    {
        var today = new DateOnly(2026, 11, 22);
        var now = new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);
        static string[] Shape(MockBank.Plan plan) => plan.Transactions.Select(t => $"{t.Date:yyyy-MM-dd}|{t.Description}|{t.Amount}|{t.EntryType}|{t.Status}|{t.Uuid}").ToArray();

        var a = MockBank.Generate("env_x", "p_SameProfile", today, now);
        var b = MockBank.Generate("env_y", "p_SameProfile", today, now);
        var c = MockBank.Generate("env_x", "p_OtherProfile", today, now);

        Assert.Equal(Shape(a), Shape(b));
        Assert.NotEqual(Shape(a), Shape(c));
        Assert.Equal(a.Balances.Select(x => (x.At, x.Current)), b.Balances.Select(x => (x.At, x.Current)));
        Assert.All(a.Transactions.Where(t => t.Date > today.AddDays(-2)), t => Assert.Equal(TransactionStatus.Pending, t.Status));
    }

    [Fact]
    public void EveryGeneratedHouseholdKeepsCheckingPositiveAndTheCardBalanceNegativeOrZero()
    {
        var now = new DateTime(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 200; i++)
        {
            var plan = MockBank.Generate("env_x", $"p_Household{i}", DateOnly.FromDateTime(now), now);
            var byType = plan.Accounts.Where(x => x.Type != AccountType.Investment).ToDictionary(x => x.Type, x => x.Id);
            Assert.All(plan.Balances.Where(b => b.AccountId == byType[AccountType.Checking]), b => Assert.True(b.Current > 0, $"p_Household{i}: checking at {b.Current}"));
            Assert.All(plan.Balances.Where(b => b.AccountId == byType[AccountType.Credit]), b => Assert.True(b.Current <= 0 && b.Current >= -b.CreditLimit, $"p_Household{i}: card at {b.Current}"));
            Assert.All(plan.Balances.Where(b => b.AccountId == byType[AccountType.Savings]), b => Assert.True(b.Current > 0));
        }
    }
}

public sealed class MockBankTestsOnSqlite(PostgresServer postgres) : MockBankTests(Backend.Sqlite, postgres);
public sealed class MockBankTestsOnPostgres(PostgresServer postgres) : MockBankTests(Backend.Postgres, postgres);
