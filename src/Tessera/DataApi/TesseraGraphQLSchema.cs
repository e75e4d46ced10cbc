using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.FinancialData;
using Tessera.GraphQL;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;
using Tessera.Profiles;
using Tessera.Subscriptions;

namespace Tessera.DataApi;

/// <summary>
/// The data API's schema (<c>Schema.graphql</c>, embedded) bound to resolvers. Every root resolver filters by the
/// caller's environment and profile inside its query; children of a record come through DataLoaders keyed by parent
/// id and filtered the same way, so a page of transactions with their accounts is a fixed number of queries.
/// </summary>
public static class TesseraGraphQLSchema
{
    public static string Sdl()
    {
        using var stream = typeof(TesseraGraphQLSchema).Assembly.GetManifestResourceStream("Tessera.DataApi.Schema.graphql")
            ?? throw new InvalidOperationException("Schema.graphql is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Sizes of the lists that cost analysis multiplies: a page of transactions is what its <c>first</c> or
    /// <c>last</c> asks for (the default page without either, never more than the cap); other lists count as
    /// the engine's default.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, ListSize> ListSizes = new Dictionary<string, ListSize>(
        InvestmentsSchema.ListSizes.Concat(StatementsSchema.ListSizes), StringComparer.Ordinal)
    {
        ["Query.transactions"] = TransactionPage,
        ["Query.transactionsConnection"] = TransactionPage,
        ["Account.transactions"] = TransactionPage,
    };

    private static ListSize TransactionPage => new(TransactionPages.DefaultPageSize, ["first", "last"], TransactionPages.MaxPageSize, ["nodes", "edges"]);

    private static GraphQLCaller Caller(ResolveFieldContext ctx) => (GraphQLCaller)ctx.UserContext!;

    internal static JsonElement? Json(string? raw) => raw is null ? null : JsonDocument.Parse(raw).RootElement.Clone();

    public static Schema Build() => SchemaBuilder.FromSdl(Sdl())
        .Scalar(CommonScalars.CreateDate())
        .Scalar(CommonScalars.CreateDateTime())
        .Scalar(CommonScalars.CreateJson())

        // ---- Query ----
        .BindAsync("Query", "profile", async ctx => await FindProfileAsync(ctx) ?? throw new GraphQLError("The profile no longer exists."))
        .BindAsync("Query", "connections", ctx =>
        {
            var caller = Caller(ctx);
            var filter = ctx.Arguments.TryGetValue("filter", out var raw) ? raw as IReadOnlyDictionary<string, object?> : null;
            var statuses = EnumList<ConnectionStatus>(filter, "status");
            var providers = EnumList<ConnectionProvider>(filter, "provider");
            return caller.WithDbAsync(db => db.Connections.AsNoTracking()
                .Where(c => c.EnvironmentId == caller.EnvironmentId && c.ProfileId == caller.ProfileId)
                .Where(c => statuses == null || statuses.Contains(c.Status))
                .Where(c => providers == null || providers.Contains(c.Provider))
                .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ctx.CancellationToken));
        })
        .BindAsync("Query", "connection", ctx => FindAsync<Connection>(ctx, ctx.GetArgument<string>("id")!))
        .BindAsync("Query", "accounts", ctx =>
        {
            var caller = Caller(ctx);
            var filter = ctx.Arguments.TryGetValue("filter", out var raw) ? raw as IReadOnlyDictionary<string, object?> : null;
            var connectionIds = filter is not null && filter.TryGetValue("connectionIds", out var ids) && ids is IEnumerable<object?> list ? list.OfType<string>().ToList() : null;
            var types = EnumList<AccountType>(filter, "type");
            var kinds = EnumList<AccountKind>(filter, "kind");
            var states = EnumList<AccountState>(filter, "state");
            var verified = filter is not null && filter.TryGetValue("verified", out var v) ? v as bool? : null;
            var connectionStatuses = EnumList<ConnectionStatus>(filter, "connection_status");
            var query = caller.WithDbAsync(db =>
            {
                var accounts = db.Accounts.AsNoTracking()
                    .Where(a => a.EnvironmentId == caller.EnvironmentId && a.ProfileId == caller.ProfileId)
                    .Where(a => connectionIds == null || connectionIds.Contains(a.ConnectionId))
                    .Where(a => types == null || types.Contains(a.Type))
                    .Where(a => kinds == null || kinds.Contains(a.Kind))
                    .Where(a => states == null || states.Contains(a.State))
                    .Where(a => verified == null || a.Verified == verified);
                // The connection is the caller's too (same environment and profile), so the filter can only narrow.
                if (connectionStatuses is not null)
                    accounts = accounts.Where(a => db.Connections.Any(c => c.Id == a.ConnectionId && c.EnvironmentId == caller.EnvironmentId
                                                                         && c.ProfileId == caller.ProfileId && connectionStatuses.Contains(c.Status)));
                accounts = (ctx.GetArgument<string>("sort") ?? "NAME_ASC") switch
                {
                    "NAME_DESC" => accounts.OrderByDescending(a => a.Name).ThenByDescending(a => a.Id),
                    "CREATED_AT_ASC" => accounts.OrderBy(a => a.CreatedAt).ThenBy(a => a.Id),
                    "CREATED_AT_DESC" => accounts.OrderByDescending(a => a.CreatedAt).ThenByDescending(a => a.Id),
                    _ => accounts.OrderBy(a => a.Name).ThenBy(a => a.Id),
                };
                return accounts.ToListAsync(ctx.CancellationToken);
            });
            return query;
        })
        .BindAsync("Query", "account", ctx => FindAsync<Account>(ctx, ctx.GetArgument<string>("id")!))
        .BindAsync("Query", "transactions", ProfileTransactionsAsync)
        .BindAsync("Query", "transactionsConnection", ProfileTransactionsAsync)
        .BindAsync("Query", "transaction", ctx => FindTransactionAsync(ctx, ctx.GetArgument<string>("id")!))
        .BindAsync("Query", "node", async ctx =>
        {
            var id = ctx.GetArgument<string>("id")!;
            var caller = Caller(ctx);
            if (id.StartsWith("p_", StringComparison.Ordinal))
                return id == caller.ProfileId ? await caller.WithDbAsync(db => db.Profiles.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.EnvironmentId == caller.EnvironmentId, ctx.CancellationToken)) : null;
            if (id.StartsWith("conn_", StringComparison.Ordinal)) return await FindAsync<Connection>(ctx, id);
            if (id.StartsWith("acct_", StringComparison.Ordinal)) return await FindAsync<Account>(ctx, id);
            if (id.StartsWith("txn_", StringComparison.Ordinal)) return await FindTransactionAsync(ctx, id);
            return (object?)null;
        })
        .ResolveType("Node", (value, _) => value switch
        {
            Profile => "Profile",
            Connection => "Connection",
            Account => "Account",
            TransactionView => "Transaction",
            _ => null,
        })

        // ---- Profile ----
        .BindSource<Profile>("Profile", "uuid", p => p.Uuid.ToString())
        .BindSource<Profile>("Profile", "names", p => new
        {
            first = p.FirstName,
            last = p.LastName,
            full = string.Join(' ', new[] { p.FirstName, p.LastName }.Where(s => !string.IsNullOrEmpty(s))) is { Length: > 0 } full ? full : null,
        })
        .BindSource<Profile>("Profile", "address", p => p.AddressLine1 is null && p.AddressLine2 is null && p.AddressCity is null && p.AddressState is null
                                                          && p.AddressPostalCode is null && p.AddressCountryCode is null
            ? null
            : new { line1 = p.AddressLine1, line2 = p.AddressLine2, city = p.AddressCity, state = p.AddressState, postalCode = p.AddressPostalCode, countryCode = p.AddressCountryCode })
        .BindSource<Profile>("Profile", "metadata", p => Json(p.MetadataJson))

        // ---- Connection ----
        .BindSource<Connection>("Connection", "uuid", c => c.Uuid?.ToString())
        .BindSource<Connection>("Connection", "status", c => WireEnum.Name(c.Status))
        .BindSource<Connection>("Connection", "provider", ConnectionProviderName)
        .BindSource<Connection>("Connection", "sourceType", ConnectionProviderName)
        .BindSource<Connection>("Connection", "remoteData", c => Json(c.RemoteDataJson))
        .BindSource<Connection>("Connection", "institution", Institution)
        .BindSource<Connection>("Connection", "metadata", c => Json(c.MetadataJson))
        .Bind("Connection", "accounts", async ctx =>
            await AccountsByConnection(ctx).LoadAsync(ctx.SourceAs<Connection>().Id) ?? [])

        // ---- Account ----
        .BindSource<Account>("Account", "uuid", a => a.Uuid?.ToString())
        .BindSource<Account>("Account", "state", AccountStateName)
        .BindSource<Account>("Account", "status", AccountStateName)
        .BindSource<Account>("Account", "mask", AccountMask)
        .BindSource<Account>("Account", "lastFourDigits", AccountMask)
        .BindSource<Account>("Account", "remoteData", a => Json(a.RemoteDataJson))
        .Bind("Account", "provider", async ctx => ConnectionProviderName((await ConnectionsById(ctx).LoadAsync(ctx.SourceAs<Account>().ConnectionId))!))
        .Bind("Account", "balances", async ctx => await BalancesByAccount(ctx).LoadAsync(ctx.SourceAs<Account>().Id) ?? [])
        .Bind("Balance", "remoteData", async ctx => Json(await RemoteDataOf<Balance>(ctx, "balanceRemoteData").LoadAsync(ctx.SourceAs<BalanceView>().Id)))
        .BindSource<Account>("Account", "type", a => WireEnum.Name(a.Type))
        .BindSource<Account>("Account", "kind", a => WireEnum.Name(a.Kind))
        .BindSource<Account>("Account", "metadata", a => Json(a.MetadataJson))
        .Bind("Account", "balance", async ctx => await LatestBalances(ctx).LoadAsync(ctx.SourceAs<Account>().Id))
        .Bind("Account", "connection", async ctx => await ConnectionsById(ctx).LoadAsync(ctx.SourceAs<Account>().ConnectionId))
        .Bind("Account", "institution", async ctx => Institution((await ConnectionsById(ctx).LoadAsync(ctx.SourceAs<Account>().ConnectionId))!))
        .BindAsync("Account", "transactions", ctx => TransactionPages.LoadAsync(ctx, Caller(ctx), ctx.SourceAs<Account>().Id))
        .Bind("Account", "transactedFirstOn", async ctx => (await TransactedRange(ctx).LoadAsync(ctx.SourceAs<Account>().Id))?.First)
        .Bind("Account", "transactedLastOn", async ctx => (await TransactedRange(ctx).LoadAsync(ctx.SourceAs<Account>().Id))?.Last)

        // ---- TransactionConnection: count costs a scan of every match, so only when asked for ----
        .BindAsync("TransactionConnection", "count", ctx => ctx.SourceAs<TransactionPages.Page>().CountAsync())
        .BindAsync("PageInfo", "hasNextPage", ctx => ctx.Source is ListPages.PageInfo list ? Task.FromResult(list.HasNextPage) : ctx.SourceAs<TransactionPages.PageInfo>().HasNextPageAsync())
        .BindAsync("PageInfo", "hasPreviousPage", ctx => ctx.Source is ListPages.PageInfo list ? Task.FromResult(list.HasPreviousPage) : ctx.SourceAs<TransactionPages.PageInfo>().HasPreviousPageAsync())

        // ---- Transaction ----
        .BindSource<TransactionView>("Transaction", "uuid", t => t.Uuid?.ToString())
        .BindSource<TransactionView>("Transaction", "amount", t => Money.ToMajor(t.Amount, t.CurrencyCode))
        .BindSource<TransactionView>("Transaction", "entryType", t => WireEnum.Name(t.EntryType))
        .BindSource<TransactionView>("Transaction", "status", t => WireEnum.Name(t.Status))
        .BindSource<TransactionView>("Transaction", "merchant", t => t.MerchantName is null ? null : new { id = t.MerchantId, name = t.MerchantName })
        .BindSource<TransactionView>("Transaction", "metadata", t => Json(t.MetadataJson))
        .Bind("Transaction", "remoteData", async ctx => Json(await RemoteDataOf<Transaction>(ctx, "transactionRemoteData").LoadAsync(ctx.SourceAs<TransactionView>().Id)))
        .Bind("Transaction", "account", ctx => Loaded(AccountsById(ctx).LoadAsync(ctx.SourceAs<TransactionView>().AccountId)))

        // ---- Mutations ----
        .BindAsync("Mutation", "profileUpdate", GraphQLMutations.ProfileUpdateAsync)
        .BindAsync("Mutation", "accountUpdate", ctx => GraphQLMutations.MetadataUpdateAsync<Account>(ctx))
        .BindAsync("Mutation", "transactionUpdate", ctx => GraphQLMutations.MetadataUpdateAsync<Transaction>(ctx))
        .BindAsync("Mutation", "connectionUpdate", ctx => GraphQLMutations.MetadataUpdateAsync<Connection>(ctx))
        .BindAsync("Mutation", "connectionDisconnect", GraphQLMutations.ConnectionDisconnectAsync)
        .BindAsync("Mutation", "connectionDelete", GraphQLMutations.ConnectionDisconnectAsync)
        .BindAsync("Mutation", "connectionSimulateError", ConnectionErrorSimulation.SimulateAsync)
        .BindAsync("Mutation", "connectorMockInitialize", GraphQLMutations.ConnectorMockInitializeAsync)
        .BindAsync("Mutation", "connectorPlaidInitialize", ProviderConnectors.NotConfigured("Plaid"))
        .BindAsync("Mutation", "connectorPlaidClose", ProviderConnectors.NotConfigured("Plaid"))
        .BindAsync("Mutation", "connectorMxInitialize", ProviderConnectors.NotConfigured("MX"))
        .BindAsync("Mutation", "connectorMxClose", ProviderConnectors.NotConfigured("MX"))

        // ---- Investments and statements: their own files ----
        .BindInvestments()
        .BindStatements()
        .BindSubscriptions()
        .Build();

    // One resolver for a field and its deprecated older name, so the two cannot drift.
    private static Task<TransactionPages.Page> ProfileTransactionsAsync(ResolveFieldContext ctx) => TransactionPages.LoadAsync(ctx, Caller(ctx), accountId: null);
    private static object? ConnectionProviderName(Connection c) => WireEnum.Name(c.Provider);
    private static object? AccountStateName(Account a) => WireEnum.Name(a.State);
    private static object? AccountMask(Account a) => a.Mask;

    private static object? Institution(Connection c) =>
        c.InstitutionId is null && c.InstitutionName is null
            ? null
            : new { id = c.InstitutionId, name = c.InstitutionName, logo = c.InstitutionLogoUrl is null ? null : new { url = c.InstitutionLogoUrl } };

    private static List<T>? EnumList<T>(IReadOnlyDictionary<string, object?>? filter, string name) where T : struct, Enum
    {
        if (filter is null || !filter.TryGetValue(name, out var raw) || raw is not IEnumerable<object?> values) return null;
        return values.OfType<string>().Select(v => WireEnum.TryParse<T>(v, out var parsed) ? parsed : default).ToList();
    }

    /// <summary>A record of the caller's profile by id, or null (another profile's id answers null too).</summary>
    /// <summary>The caller's profile, or null when it was deleted.</summary>
    internal static Task<Profile?> FindProfileAsync(ResolveFieldContext ctx)
    {
        var caller = Caller(ctx);
        return caller.WithDbAsync(db => CallerProfile.For(db)(db, caller.EnvironmentId, caller.ProfileId));
    }

    internal static Task<T?> FindAsync<T>(ResolveFieldContext ctx, string id, bool tracked = false) where T : class
    {
        var caller = Caller(ctx);
        return caller.WithDbAsync(db =>
        {
            var set = tracked ? db.Set<T>() : db.Set<T>().AsNoTracking();
            return set.FirstOrDefaultAsync(r => EF.Property<string>(r, "Id") == id
                                                && EF.Property<string>(r, "EnvironmentId") == caller.EnvironmentId
                                                && EF.Property<string>(r, "ProfileId") == caller.ProfileId, ctx.CancellationToken);
        });
    }

    /// <summary>A transaction of the caller's profile by id, as the API shows it, or null.</summary>
    private static Task<TransactionView?> FindTransactionAsync(ResolveFieldContext ctx, string id)
    {
        var caller = Caller(ctx);
        return caller.WithDbAsync(db => db.Transactions.AsNoTracking()
            .Where(t => t.Id == id && t.EnvironmentId == caller.EnvironmentId && t.ProfileId == caller.ProfileId)
            .Select(TransactionView.Projection).FirstOrDefaultAsync(ctx.CancellationToken));
    }

    // Compiled: the profile query, and the accounts of every page of transactions.
    private static readonly CompiledQuery<Func<TesseraDbContext, string, string, Task<Profile?>>> CallerProfile = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string profileId) =>
            db.Profiles.AsNoTracking().FirstOrDefault(p => p.EnvironmentId == environmentId && p.Id == profileId)));

    // Accounts by id, eight ids per query, each id its own parameter (a short last group repeats its last id): one
    // compiled query with one SQL text. `ids.Contains(a.Id)` in a compiled query made EF 10 rebuild the SQL on every
    // call (~200 µs and 18 KB for three accounts, against ~50 µs and 10 KB here); a page's rows rarely name more
    // than eight accounts, and at most a hundred take thirteen small queries in the same turn.
    private const int AccountIdSlots = 8;

    private static readonly CompiledQuery<Func<TesseraDbContext, string, string, string, string, string, string, string, string, string, string, IAsyncEnumerable<Account>>> AccountsWithEightIds = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string profileId, string id0, string id1, string id2, string id3, string id4, string id5, string id6, string id7) =>
            db.Accounts.AsNoTracking().Where(a => (a.Id == id0 || a.Id == id1 || a.Id == id2 || a.Id == id3 || a.Id == id4 || a.Id == id5 || a.Id == id6 || a.Id == id7)
                && a.EnvironmentId == environmentId && a.ProfileId == profileId)));

    private static async IAsyncEnumerable<Account> AccountsWithIds(TesseraDbContext db, string environmentId, string profileId, IReadOnlyList<string> ids,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = AccountsWithEightIds.For(db);
        for (var start = 0; start < ids.Count; start += AccountIdSlots)
        {
            var last = Math.Min(start + AccountIdSlots, ids.Count) - 1;
            string Slot(int k) => ids[Math.Min(start + k, last)];
            await foreach (var account in query(db, environmentId, profileId, Slot(0), Slot(1), Slot(2), Slot(3), Slot(4), Slot(5), Slot(6), Slot(7)).WithCancellation(cancellationToken))
                yield return account;
        }
    }

    // ---- DataLoaders: one query per level of the result, each filtered by the caller's profile too ----

    /// <summary>A loaded value at once (a primed DataLoader key), else when its batch comes.</summary>
    private static ValueTask<object?> Loaded<T>(Task<T> load)
    {
        return load.IsCompletedSuccessfully ? new ValueTask<object?>(load.Result) : Await(load);
        static async ValueTask<object?> Await(Task<T> load) => await load;
    }

    /// <summary>
    /// Loads the caller's accounts with these ids in the current database turn and primes the request's
    /// <c>accountsById</c> loader with them: a page of transactions then completes its <c>account</c> fields
    /// without waiting for a batch.
    /// </summary>
    internal static async Task PrimeAccountsAsync(ResolveFieldContext ctx, TesseraDbContext db, GraphQLCaller caller, string[] ids, CancellationToken cancellationToken)
    {
        var loader = AccountsById(ctx);
        await foreach (var account in AccountsWithIds(db, caller.EnvironmentId, caller.ProfileId, ids, cancellationToken))
            loader.Prime(account.Id, account);
    }

    internal static DataLoader<string, Account> AccountsById(ResolveFieldContext ctx) =>
        ctx.GetDataLoader<string, Account>("accountsById", static ctx => async (ids, ct) =>
        {
            var caller = Caller(ctx);
            var rows = await caller.WithDbAsync(async db =>
            {
                var found = new Dictionary<string, Account>(ids.Count, StringComparer.Ordinal);
                await foreach (var account in AccountsWithIds(db, caller.EnvironmentId, caller.ProfileId, ids, ct)) found[account.Id] = account;
                return found;
            });
            return rows;
        });

    private static DataLoader<string, Connection> ConnectionsById(ResolveFieldContext ctx) =>
        ctx.GetDataLoader<string, Connection>("connectionsById", static ctx => async (ids, ct) =>
        {
            var caller = Caller(ctx);
            var rows = await caller.WithDbAsync(db => db.Connections.AsNoTracking()
                .Where(c => ids.Contains(c.Id) && c.EnvironmentId == caller.EnvironmentId && c.ProfileId == caller.ProfileId).ToListAsync(ct));
            return rows.ToDictionary(c => c.Id);
        });

    private static DataLoader<string, List<Account>> AccountsByConnection(ResolveFieldContext ctx) =>
        ctx.GetDataLoader<string, List<Account>>("accountsByConnection", static ctx => async (ids, ct) =>
        {
            var caller = Caller(ctx);
            var rows = await caller.WithDbAsync(db => db.Accounts.AsNoTracking()
                .Where(a => ids.Contains(a.ConnectionId) && a.EnvironmentId == caller.EnvironmentId && a.ProfileId == caller.ProfileId)
                .OrderBy(a => a.Name).ThenBy(a => a.Id).ToListAsync(ct));
            return rows.GroupBy(a => a.ConnectionId).ToDictionary(g => g.Key, g => g.ToList());
        });

    private sealed record BalanceView(string Id, DateTime At, double Current, double? Available, double? Limit)
    {
        public static BalanceView From(Balance b, string currencyCode) => new(b.Id, b.At,
            Money.ToMajor(b.Current, currencyCode),
            b.Available is { } available ? Money.ToMajor(available, currencyCode) : null,
            b.CreditLimit is { } limit ? Money.ToMajor(limit, currencyCode) : null);
    }

    private static DataLoader<string, List<BalanceView>> BalancesByAccount(ResolveFieldContext ctx) =>
        ctx.GetDataLoader<string, List<BalanceView>>("balancesByAccount", static ctx => async (ids, ct) =>
        {
            var caller = Caller(ctx);
            var rows = await caller.WithDbAsync(db => db.Balances.AsNoTracking()
                .Where(b => ids.Contains(b.AccountId) && b.EnvironmentId == caller.EnvironmentId && b.ProfileId == caller.ProfileId)
                .Join(db.Accounts, b => b.AccountId, a => a.Id, (b, a) => new { Balance = b, a.CurrencyCode })
                .OrderByDescending(r => r.Balance.At).ThenByDescending(r => r.Balance.Id)
                .ToListAsync(ct));
            return rows.GroupBy(r => r.Balance.AccountId).ToDictionary(g => g.Key, g => g.Select(r => BalanceView.From(r.Balance, r.CurrencyCode)).ToList());
        });

    /// <summary>
    /// The imported provider payload of rows of <typeparamref name="T"/> by id, the caller's only: read when asked for,
    /// so pages of transactions and balances never carry payloads nobody selected.
    /// </summary>
    private static DataLoader<string, string> RemoteDataOf<T>(ResolveFieldContext ctx, string name) where T : class =>
        ctx.GetDataLoader<string, string>(name, static ctx => async (ids, ct) =>
        {
            var caller = Caller(ctx);
            var rows = await caller.WithDbAsync(db => db.Set<T>().AsNoTracking()
                .Where(r => ids.Contains(EF.Property<string>(r, "Id")) && EF.Property<string>(r, "EnvironmentId") == caller.EnvironmentId
                            && EF.Property<string>(r, "ProfileId") == caller.ProfileId && EF.Property<string?>(r, "RemoteDataJson") != null)
                .Select(r => new { Id = EF.Property<string>(r, "Id"), Json = EF.Property<string>(r, "RemoteDataJson") })
                .ToListAsync(ct));
            return rows.ToDictionary(r => r.Id, r => r.Json);
        });

    private static DataLoader<string, BalanceView> LatestBalances(ResolveFieldContext ctx) =>
        ctx.GetDataLoader<string, BalanceView>("latestBalance", static ctx => async (ids, ct) =>
        {
            var caller = Caller(ctx);
            // The latest row per account: a correlated subquery both databases serve from (account_id, at).
            var rows = await caller.WithDbAsync(db => db.Balances.AsNoTracking()
                .Where(b => ids.Contains(b.AccountId) && b.EnvironmentId == caller.EnvironmentId && b.ProfileId == caller.ProfileId)
                .Where(b => b.Id == db.Balances.Where(x => x.AccountId == b.AccountId).OrderByDescending(x => x.At).ThenByDescending(x => x.Id).Select(x => x.Id).First())
                .Join(db.Accounts, b => b.AccountId, a => a.Id, (b, a) => new { Balance = b, a.CurrencyCode })
                .ToListAsync(ct));
            return rows.ToDictionary(r => r.Balance.AccountId, r => BalanceView.From(r.Balance, r.CurrencyCode));
        });

    private sealed record DateRange(DateOnly First, DateOnly Last);

    private static DataLoader<string, DateRange> TransactedRange(ResolveFieldContext ctx) =>
        ctx.GetDataLoader<string, DateRange>("transactedRange", static ctx => async (ids, ct) =>
        {
            var caller = Caller(ctx);
            var rows = await caller.WithDbAsync(db => db.Transactions.AsNoTracking()
                .Where(t => ids.Contains(t.AccountId) && t.EnvironmentId == caller.EnvironmentId && t.ProfileId == caller.ProfileId)
                .GroupBy(t => t.AccountId)
                .Select(g => new { AccountId = g.Key, First = g.Min(t => t.Date), Last = g.Max(t => t.Date) })
                .ToListAsync(ct));
            return rows.ToDictionary(r => r.AccountId, r => new DateRange(r.First, r.Last));
        });
}
