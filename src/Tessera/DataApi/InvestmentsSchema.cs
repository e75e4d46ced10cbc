using Microsoft.EntityFrameworkCore;
using Tessera.FinancialData;
using Tessera.GraphQL;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;

namespace Tessera.DataApi;

/// <summary>
/// Holdings and securities: <c>Query.holdings</c> (the profile's positions, combined by <see cref="HoldingRollup"/>),
/// <c>Account.holdings</c> (each account's, as reported). Children come through DataLoaders keyed by parent id, each
/// filtered by the caller's environment and profile: N accounts' holdings and their securities are two queries.
/// </summary>
public static class InvestmentsSchema
{
    public static readonly IReadOnlyDictionary<string, ListSize> ListSizes = new Dictionary<string, ListSize>(StringComparer.Ordinal)
    {
        ["Query.holdings"] = ListPages.Size,
        ["Account.holdings"] = ListPages.Size,
    };

    private static GraphQLCaller Caller(ResolveFieldContext ctx) => (GraphQLCaller)ctx.UserContext!;

    public static SchemaBuilder BindInvestments(this SchemaBuilder schema) => schema
        .BindAsync("Query", "holdings", async ctx =>
        {
            var window = ListPages.ReadWindow(ctx, "holdings");
            var caller = Caller(ctx);
            var positions = await caller.WithDbAsync(db => db.AccountHoldings.AsNoTracking()
                .Where(h => h.EnvironmentId == caller.EnvironmentId && h.ProfileId == caller.ProfileId).ToListAsync(ctx.CancellationToken));
            return ListPages.Slice(HoldingRollup.Combine(caller.ProfileId, positions), h => h.Id, window);
        })
        .Bind("Account", "holdings", async ctx =>
        {
            var window = ListPages.ReadWindow(ctx, "holdings");
            var positions = await HoldingsByAccount(ctx).LoadAsync(ctx.SourceAs<Account>().Id) ?? [];
            return ListPages.Slice(positions, h => h.Id, window);
        })
        .BindSource<ListPages.Page<Holding>>("HoldingConnection", "count", p => p.Count)
        .BindSource<ListPages.Page<AccountHolding>>("AccountHoldingConnection", "count", p => p.Count)

        .Bind("Holding", "security", async ctx => await SecuritiesById(ctx).LoadAsync(ctx.SourceAs<Holding>().SecurityId))
        .BindSource<Holding>("Holding", "quantity", h => (double)h.Quantity)
        .BindSource<Holding>("Holding", "price", h => (double)h.Price)
        .BindSource<Holding>("Holding", "value", h => (double)h.Value)
        .BindSource<Holding>("Holding", "costBasis", h => (double?)h.CostBasis)

        .BindSource<AccountHolding>("AccountHolding", "uuid", h => h.Uuid?.ToString())
        .Bind("AccountHolding", "security", async ctx => await SecuritiesById(ctx).LoadAsync(ctx.SourceAs<AccountHolding>().SecurityId))
        .Bind("AccountHolding", "account", async ctx => await TesseraGraphQLSchema.AccountsById(ctx).LoadAsync(ctx.SourceAs<AccountHolding>().AccountId))
        .BindSource<AccountHolding>("AccountHolding", "quantity", h => (double)h.Quantity)
        .BindSource<AccountHolding>("AccountHolding", "price", h => (double)h.Price)
        .BindSource<AccountHolding>("AccountHolding", "value", h => (double)h.Value)
        .BindSource<AccountHolding>("AccountHolding", "costBasis", h => (double?)h.CostBasis)
        .BindSource<AccountHolding>("AccountHolding", "remoteData", h => TesseraGraphQLSchema.Json(h.RemoteDataJson))

        .BindSource<InvestmentSecurity>("Security", "uuid", s => s.Uuid?.ToString())
        .BindSource<InvestmentSecurity>("Security", "type", s => WireEnum.Name(s.Type));

    private static DataLoader<string, List<AccountHolding>> HoldingsByAccount(ResolveFieldContext ctx) =>
        ctx.GetDataLoader<string, List<AccountHolding>>("holdingsByAccount", static ctx => async (ids, ct) =>
        {
            var caller = Caller(ctx);
            var rows = await caller.WithDbAsync(db => db.AccountHoldings.AsNoTracking()
                .Where(h => ids.Contains(h.AccountId) && h.EnvironmentId == caller.EnvironmentId && h.ProfileId == caller.ProfileId).ToListAsync(ct));
            // Ordered here, not in SQL: SQLite stores decimals as text, which would sort 9 after 10.
            return rows.GroupBy(h => h.AccountId).ToDictionary(g => g.Key,
                g => g.OrderByDescending(h => h.Value).ThenBy(h => h.Id, StringComparer.Ordinal).ToList());
        });

    private static DataLoader<string, InvestmentSecurity> SecuritiesById(ResolveFieldContext ctx) =>
        ctx.GetDataLoader<string, InvestmentSecurity>("securitiesById", static ctx => async (ids, ct) =>
        {
            var caller = Caller(ctx);
            var rows = await caller.WithDbAsync(db => db.Securities.AsNoTracking()
                .Where(s => ids.Contains(s.Id) && s.EnvironmentId == caller.EnvironmentId && s.ProfileId == caller.ProfileId).ToListAsync(ct));
            return rows.ToDictionary(s => s.Id);
        });
}
