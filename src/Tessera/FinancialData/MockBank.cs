using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.Environments;
using Tessera.Security;

namespace Tessera.FinancialData;

/// <summary>Why the mock bank refused: not a sandbox, or no such environment or profile.</summary>
public sealed class MockBankException(string message) : Exception(message);

/// <summary>
/// A realistic, deterministic bank for SANDBOX environments: one MOCK connection to "Tessera Mock Bank" with a
/// checking, a savings and a credit-card account, and a year of transactions and month-end balances; an individual
/// brokerage account and a Roth IRA with holdings of a few securities (Apple in both, so the profile's holdings
/// combine it); and a statement for every account and every month of that year (<c>statement.ready</c> for each). The data is a
/// pure function of the profile id and today's date (<see cref="Generate"/>), and every row carries a uuid derived
/// from the profile id, so calling it again returns the existing connection instead of a second copy.
/// </summary>
/// <remarks>
/// Dates run to "today" by the injected <see cref="TimeProvider"/> rather than to a fixed anchor: a sandbox user
/// looks at "this month" and "the last 30 days", which a fixed anchor would leave empty within weeks. The seed is
/// the profile id alone, so the same profile gets the same merchants, amounts and pattern on every run; the dates
/// follow the day it is created (tests pin them with a fake clock).
/// </remarks>
public sealed class MockBank(TesseraDbContext db, TimeProvider clock)
{
    public const string InstitutionName = "Tessera Mock Bank";
    public const string InstitutionId = "ins_tessera_mock";

    /// <summary>Creates the profile's mock bank connection, or returns the one it already has.</summary>
    /// <exception cref="MockBankException">The environment is not a sandbox, or the profile is not of it.</exception>
    public async Task<Connection> CreateAsync(string environmentId, string profileId, CancellationToken cancellationToken)
    {
        var environment = await db.Environments.AsNoTracking().FirstOrDefaultAsync(e => e.Id == environmentId, cancellationToken)
            ?? throw new MockBankException($"No environment '{environmentId}'.");
        // Only a sandbox: anywhere else invented balances would sit next to real customers' data.
        if (environment.Mode != EnvironmentMode.Sandbox)
            throw new MockBankException($"The mock bank is available in SANDBOX environments only; {environment.Name} is {environment.Mode.ToString().ToUpperInvariant()}.");
        if (!await db.Profiles.AnyAsync(p => p.EnvironmentId == environmentId && p.Id == profileId, cancellationToken))
            throw new MockBankException($"No profile '{profileId}' in {environment.Name}.");

        var plan = Generate(environmentId, profileId, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), clock.GetUtcNow().UtcDateTime);
        await using var transaction = await db.BeginWriteTransactionAsync(cancellationToken);
        var existing = await db.Connections.AsNoTracking()
            .FirstOrDefaultAsync(c => c.EnvironmentId == environmentId && c.Uuid == plan.Connection.Uuid, cancellationToken);
        if (existing is not null) return existing;
        db.Connections.Add(plan.Connection);
        db.Accounts.AddRange(plan.Accounts);
        db.Balances.AddRange(plan.Balances);
        db.Transactions.AddRange(plan.Transactions);
        // Securities belong to the profile, not the connection: a mock bank created again after its connection was
        // deleted finds them still there and holds them again rather than adding copies.
        var securityUuids = plan.Securities.Select(x => x.Uuid).ToList();
        var kept = await db.Securities.AsNoTracking()
            .Where(x => x.EnvironmentId == environmentId && x.ProfileId == profileId && securityUuids.Contains(x.Uuid))
            .ToDictionaryAsync(x => x.Uuid!.Value, x => x.Id, cancellationToken);
        var securityIds = plan.Securities.ToDictionary(x => x.Id, x => kept.GetValueOrDefault(x.Uuid!.Value, x.Id));
        db.Securities.AddRange(plan.Securities.Where(x => !kept.ContainsKey(x.Uuid!.Value)));
        foreach (var holding in plan.Holdings) holding.SecurityId = securityIds[holding.SecurityId];
        db.AccountHoldings.AddRange(plan.Holdings);
        db.Statements.AddRange(plan.Statements);
        Webhooks.EventLog.RecordMockBank(db, plan, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        await FinancialDataVersions.BumpAsync(db, [profileId], cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        db.ChangeTracker.Clear();
        return plan.Connection;
    }

    public sealed record Plan(Connection Connection, IReadOnlyList<Account> Accounts, IReadOnlyList<Balance> Balances, IReadOnlyList<Transaction> Transactions,
        IReadOnlyList<InvestmentSecurity> Securities, IReadOnlyList<AccountHolding> Holdings, IReadOnlyList<Statement> Statements);

    // Ticker, name, type, a price around which the profile's price is drawn, and which accounts hold it.
    private static readonly (string Ticker, string Name, SecurityType Type, decimal Price, bool Brokerage, bool Ira)[] Securities =
    [
        ("AAPL", "Apple Inc.", SecurityType.Equity, 178.32m, true, true),
        ("MSFT", "Microsoft Corporation", SecurityType.Equity, 415.10m, true, false),
        ("VTI", "Vanguard Total Stock Market ETF", SecurityType.Etf, 262.45m, true, false),
        ("VFIAX", "Vanguard 500 Index Fund Admiral Shares", SecurityType.MutualFund, 478.90m, false, true),
        ("BND", "Vanguard Total Bond Market ETF", SecurityType.Etf, 72.18m, false, true),
    ];

    private static readonly string[] Employers = ["Acme Corp", "Globex", "Initech", "Umbrella Health", "Stark Industries", "Wayne Enterprises", "Hooli"];
    private static readonly string[] Landlords = ["Maple Court Apartments", "Riverside Properties", "Oakwood Residences", "Parkview Lofts"];
    private static readonly string[] Grocers = ["Whole Foods Market", "Trader Joe's", "Safeway", "Kroger", "Costco", "Aldi"];
    private static readonly string[] Restaurants = ["Chipotle", "Sweetgreen", "Shake Shack", "Panera Bread", "Olive Garden", "Local Thai Kitchen", "Domino's"];
    private static readonly string[] Coffee = ["Starbucks", "Blue Bottle Coffee", "Dunkin'", "Peet's Coffee"];
    private static readonly string[] Fuel = ["Shell", "Chevron", "ExxonMobil", "BP"];
    private static readonly string[] Shops = ["Amazon", "Target", "Walmart", "Best Buy", "IKEA", "Home Depot"];
    private static readonly (string Name, long Cents, int Day)[] Subscriptions =
        [("Netflix", 1549, 3), ("Spotify", 1199, 8), ("Planet Fitness", 2499, 12), ("iCloud+", 299, 21), ("The New York Times", 1700, 26)];

    /// <summary>The mock bank of one profile as of <paramref name="today"/>: the same inputs give the same data.</summary>
    public static Plan Generate(string environmentId, string profileId, DateOnly today, DateTime now)
    {
        var random = new Random(Seed(profileId));
        var start = today.AddYears(-1).AddDays(1);

        var connection = new Connection
        {
            Id = Ids.New(Connection.IdPrefix), EnvironmentId = environmentId, ProfileId = profileId, Uuid = DerivedUuid(profileId, "connection"),
            Provider = ConnectionProvider.Mock, Status = ConnectionStatus.Synced, InstitutionId = InstitutionId, InstitutionName = InstitutionName,
            InstitutionLogoUrl = null, MetadataJson = null, CreatedAt = now, UpdatedAt = now,
        };
        Account NewAccount(string key, string name, AccountType type) => new()
        {
            Id = Ids.New(Account.IdPrefix), EnvironmentId = environmentId, ProfileId = profileId, ConnectionId = connection.Id,
            Uuid = DerivedUuid(profileId, key), Name = name, Mask = random.Next(1000, 10000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Type = type, Kind = Account.KindOf(type), State = AccountState.Open, CurrencyCode = "USD", Verified = true, CreatedAt = now, UpdatedAt = now,
        };
        var checking = NewAccount("checking", "Everyday Checking", AccountType.Checking);
        var savings = NewAccount("savings", "High-Yield Savings", AccountType.Savings);
        var card = NewAccount("credit", "Rewards Visa Signature", AccountType.Credit);

        // The household: a salary, a rent a bit under a third of take-home pay, a savings habit, a card limit.
        var employer = Pick(random, Employers);
        var landlord = Pick(random, Landlords);
        // Per semimonthly paycheck; at the low end, rent, bills, savings and about $1,900 a month of card spending
        // still leave checking growing, so its balance never goes negative.
        var netPay = (long)random.Next(2600, 5200) * 100 + random.Next(0, 100);
        var rent = RoundTo(netPay * 2 * random.Next(24, 32) / 100, 2500);
        var savingsTransfer = RoundTo(netPay * random.Next(10, 25) / 100, 5000);
        var cardLimit = (long)random.Next(5, 21) * 100_000;
        var interestRate = random.Next(350, 500) / 10_000m; // 3.50% to 5.00% a year
        var subscriptions = Subscriptions.Where(_ => random.Next(100) < 75).ToList();

        var transactions = new List<Transaction>();
        var balances = new List<Balance>();
        var sequence = 0;
        long checkingBalance = (long)random.Next(2000, 6000) * 100, savingsBalance = (long)random.Next(5000, 20000) * 100, cardBalance = 0;
        long statementBalance = 0;

        void Add(Account account, DateOnly date, string description, long cents, EntryType entryType, string? merchant)
        {
            transactions.Add(new Transaction
            {
                Id = Ids.New(Transaction.IdPrefix), EnvironmentId = environmentId, ProfileId = profileId, AccountId = account.Id,
                Uuid = DerivedUuid(profileId, "txn-" + sequence++), Date = date, Description = description, Amount = cents, CurrencyCode = "USD",
                EntryType = entryType,
                // The last two days have not settled yet.
                Status = date > today.AddDays(-2) ? TransactionStatus.Pending : TransactionStatus.Posted,
                MerchantId = merchant is null ? null : "mer_" + Slug(merchant), MerchantName = merchant, CreatedAt = now, UpdatedAt = now,
            });
            var signed = entryType == EntryType.Credit ? cents : -cents;
            if (account == checking) checkingBalance += signed;
            else if (account == savings) savingsBalance += signed;
            else cardBalance += signed;
        }

        void AddBalances(DateOnly date, DateTime? asOf = null)
        {
            var at = asOf ?? date.ToDateTime(new TimeOnly(23, 59, 59), DateTimeKind.Utc);
            foreach (var (account, current, limit) in new[] { (checking, checkingBalance, (long?)null), (savings, savingsBalance, null), (card, cardBalance, cardLimit) })
            {
                balances.Add(new Balance
                {
                    Id = Ids.New(Balance.IdPrefix), EnvironmentId = environmentId, ProfileId = profileId, AccountId = account.Id,
                    Uuid = DerivedUuid(profileId, $"bal-{account.Uuid}-{date:yyyy-MM-dd}"), At = at, Current = current,
                    // A card's available credit is its limit less what is owed (its balance is negative).
                    Available = limit is { } l ? l + current : current, CreditLimit = limit, CreatedAt = now, UpdatedAt = now,
                });
            }
        }

        for (var day = start; day <= today; day = day.AddDays(1))
        {
            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            var lastDay = day.Day == DateTime.DaysInMonth(day.Year, day.Month);

            // Paydays: the 1st and 15th, or the Friday before when they fall on a weekend.
            if (IsPayday(day)) Add(checking, day, $"{employer.ToUpperInvariant()} PAYROLL DIRECT DEP", netPay + random.Next(-500, 501), EntryType.Credit, employer);
            if (day.Day == 1) Add(checking, day, $"Rent - {landlord}", rent, EntryType.Debit, landlord);
            if (day.Day == 9) Add(checking, day, "City Power & Light", RoundTo(random.Next(5500, 16500), 1), EntryType.Debit, "City Power & Light");
            if (day.Day == 11) Add(checking, day, "Comcast Xfinity Internet", 7999, EntryType.Debit, "Comcast Xfinity");
            if (day.Day == 14) Add(checking, day, "Verizon Wireless", 6500 + random.Next(0, 1500), EntryType.Debit, "Verizon");
            if (day.Day == 16)
            {
                Add(checking, day, "Transfer to High-Yield Savings", savingsTransfer, EntryType.Debit, null);
                Add(savings, day, "Transfer from Everyday Checking", savingsTransfer, EntryType.Credit, null);
            }
            // The card is paid in full on the 20th: last month's statement balance.
            if (day.Day == 20 && statementBalance < 0)
            {
                Add(checking, day, "Payment to Rewards Visa Signature", -statementBalance, EntryType.Debit, null);
                Add(card, day, "Payment - Thank You", -statementBalance, EntryType.Credit, null);
            }
            foreach (var (name, cents, subscriptionDay) in subscriptions)
                if (day.Day == subscriptionDay) Add(card, day, name, cents, EntryType.Debit, name);

            // Everyday spending on the card.
            if (random.Next(100) < (weekend ? 45 : 20)) { var m = Pick(random, Grocers); Add(card, day, m, random.Next(2500, 18000), EntryType.Debit, m); }
            if (random.Next(100) < (weekend ? 50 : 30)) { var m = Pick(random, Restaurants); Add(card, day, m, random.Next(1200, 7500), EntryType.Debit, m); }
            if (!weekend && random.Next(100) < 55) { var m = Pick(random, Coffee); Add(card, day, m, random.Next(350, 900), EntryType.Debit, m); }
            if (random.Next(100) < 14) { var m = Pick(random, Fuel); Add(card, day, m, random.Next(3000, 6500), EntryType.Debit, m); }
            if (random.Next(100) < 8) { var m = Pick(random, Shops); Add(card, day, m, random.Next(1500, 25000), EntryType.Debit, m); }
            if (random.Next(1000) < 12) { var m = Pick(random, Shops); Add(card, day, $"{m} refund", random.Next(1000, 6000), EntryType.Credit, m); }

            if (lastDay)
            {
                var interest = (long)Math.Round(savingsBalance * interestRate / 12m, MidpointRounding.ToEven);
                if (interest > 0) Add(savings, day, "Interest Payment", interest, EntryType.Credit, null);
                statementBalance = cardBalance;
                AddBalances(day);
            }
        }
        // And the balances now (unless today is a month end, already recorded).
        if (today.Day != DateTime.DaysInMonth(today.Year, today.Month)) AddBalances(today, now);

        var (investmentAccounts, securities, holdings) = Investments(environmentId, profileId, connection, now);
        foreach (var account in investmentAccounts)
        {
            var value = holdings.Where(h => h.AccountId == account.Id).Sum(h => h.Value);
            var cents = (long)decimal.Round(value * 100, MidpointRounding.ToEven);
            balances.Add(new Balance
            {
                Id = Ids.New(Balance.IdPrefix), EnvironmentId = environmentId, ProfileId = profileId, AccountId = account.Id,
                Uuid = DerivedUuid(profileId, $"bal-{account.Uuid}-{today:yyyy-MM-dd}"), At = now, Current = cents, Available = cents, CreatedAt = now, UpdatedAt = now,
            });
        }
        Account[] accounts = [checking, savings, card, .. investmentAccounts];

        // A statement per account for every month of the year that has ended.
        var statements = new List<Statement>();
        for (var month = new DateOnly(start.Year, start.Month, 1); month.AddMonths(1) <= today; month = month.AddMonths(1))
            foreach (var account in accounts)
                statements.Add(new Statement
                {
                    Id = Ids.New(Statement.IdPrefix), EnvironmentId = environmentId, ProfileId = profileId, AccountId = account.Id,
                    Uuid = DerivedUuid(profileId, $"stmt-{account.Uuid}-{month:yyyy-MM}"), StartOn = month, EndOn = month.AddMonths(1).AddDays(-1),
                    MockPdf = true, CreatedAt = now, UpdatedAt = now,
                });

        return new Plan(connection, accounts, balances, transactions, securities, holdings, statements);
    }

    /// <summary>
    /// The brokerage side, from its own seed so the bank accounts' data stays what it was before investments existed.
    /// </summary>
    private static (Account[] Accounts, List<InvestmentSecurity> Securities, List<AccountHolding> Holdings) Investments(
        string environmentId, string profileId, Connection connection, DateTime now)
    {
        var random = new Random(Seed(profileId + "\ninvestments"));
        Account NewAccount(string key, string name) => new()
        {
            Id = Ids.New(Account.IdPrefix), EnvironmentId = environmentId, ProfileId = profileId, ConnectionId = connection.Id,
            Uuid = DerivedUuid(profileId, key), Name = name, Mask = random.Next(1000, 10000).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Type = AccountType.Investment, Kind = AccountKind.Investment, State = AccountState.Open, CurrencyCode = "USD", Verified = true, CreatedAt = now, UpdatedAt = now,
        };
        var brokerage = NewAccount("brokerage", "Individual Brokerage");
        var ira = NewAccount("roth-ira", "Roth IRA");
        var securities = new List<InvestmentSecurity>();
        var holdings = new List<AccountHolding>();
        foreach (var (ticker, name, type, basePrice, inBrokerage, inIra) in Securities)
        {
            var security = new InvestmentSecurity
            {
                Id = Ids.New(InvestmentSecurity.IdPrefix), EnvironmentId = environmentId, ProfileId = profileId, Uuid = DerivedUuid(profileId, "sec-" + ticker),
                Name = name, Ticker = ticker, Type = type, CreatedAt = now, UpdatedAt = now,
            };
            securities.Add(security);
            // Within 5% of the reference price, to the cent: the same for both accounts, as a market price is.
            var price = decimal.Round(basePrice * (1 + random.Next(-500, 501) / 10_000m), 2);
            foreach (var account in new[] { inBrokerage ? brokerage : null, inIra ? ira : null })
            {
                if (account is null) continue;
                // Whole and fractional shares; bought 20% below to 10% above today's price.
                var quantity = random.Next(5, 300) + random.Next(0, 4) * 0.25m;
                var value = decimal.Round(quantity * price, 2);
                holdings.Add(new AccountHolding
                {
                    Id = Ids.New(AccountHolding.IdPrefix), EnvironmentId = environmentId, ProfileId = profileId, AccountId = account.Id, SecurityId = security.Id,
                    Uuid = DerivedUuid(profileId, $"achld-{account.Uuid}-{ticker}"), Quantity = quantity, Price = price, Value = value,
                    CostBasis = decimal.Round(value * random.Next(80, 111) / 100m, 2), At = now,
                    RemoteDataJson = System.Text.Json.JsonSerializer.Serialize(new { mock = new { symbol = ticker, accountMask = account.Mask } }), CreatedAt = now, UpdatedAt = now,
                });
            }
        }
        return ([brokerage, ira], securities, holdings);
    }

    private static bool IsPayday(DateOnly day)
    {
        foreach (var target in new[] { 1, 15 })
        {
            var payday = new DateOnly(day.Year, day.Month, target);
            while (payday.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) payday = payday.AddDays(-1);
            if (payday == day) return true;
        }
        // The 1st on a weekend is paid on the last Friday of the month before.
        var nextFirst = new DateOnly(day.Year, day.Month, 1).AddMonths(1);
        var early = nextFirst;
        while (early.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday) early = early.AddDays(-1);
        return early == day && early != nextFirst;
    }

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];

    private static long RoundTo(long cents, long step) => Math.Max(step, cents / step * step);

    private static string Slug(string name) => new(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    /// <summary>A stable seed: string.GetHashCode differs from one process to the next.</summary>
    private static int Seed(string profileId) =>
        BitConverter.ToInt32(SHA256.HashData(Encoding.UTF8.GetBytes("tessera-mock-bank\n" + profileId)), 0);

    /// <summary>A uuid (version 8, RFC 9562) from the profile id and a label: the same row gets the same uuid every time.</summary>
    internal static Guid DerivedUuid(string profileId, string label)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes("tessera-mock-bank\n" + profileId + "\n" + label)).AsSpan(0, 16).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
