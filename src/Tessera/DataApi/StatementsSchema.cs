using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.FinancialData;
using Tessera.GraphQL;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;
using Tessera.Statements;

namespace Tessera.DataApi;

/// <summary>
/// Statements: <c>Query.statements</c>, <c>Query.statement</c> and <c>Account.statements</c>, with Quiltt's filters
/// (<c>accountIds</c>, <c>on</c> a day, <c>for</c> a period). The filter runs in SQL, always with the caller's
/// environment and profile; <c>Account.statements</c> loads every requested account's statements in one query.
/// </summary>
public static class StatementsSchema
{
    public static readonly IReadOnlyDictionary<string, ListSize> ListSizes = new Dictionary<string, ListSize>(StringComparer.Ordinal)
    {
        ["Query.statements"] = ListPages.Size,
        ["Account.statements"] = ListPages.Size,
    };

    private static GraphQLCaller Caller(ResolveFieldContext ctx) => (GraphQLCaller)ctx.UserContext!;

    public static SchemaBuilder BindStatements(this SchemaBuilder schema) => schema
        .BindAsync("Query", "statements", async ctx =>
        {
            var window = ListPages.ReadWindow(ctx, "statements");
            var filter = Filter.Read(ctx);
            var caller = Caller(ctx);
            var rows = await caller.WithDbAsync(db => filter.Apply(db.Statements.AsNoTracking()
                .Where(s => s.EnvironmentId == caller.EnvironmentId && s.ProfileId == caller.ProfileId)).ToListAsync(ctx.CancellationToken));
            return ListPages.Slice(rows, s => s.Id, window);
        })
        .BindAsync("Query", "statement", ctx => TesseraGraphQLSchema.FindAsync<Statement>(ctx, ctx.GetArgument<string>("id")!))
        .Bind("Account", "statements", async ctx =>
        {
            var window = ListPages.ReadWindow(ctx, "statements");
            var filter = Filter.Read(ctx);
            var rows = await StatementsByAccount(ctx, filter).LoadAsync(ctx.SourceAs<Account>().Id) ?? [];
            return ListPages.Slice(rows, s => s.Id, window);
        })
        .BindSource<ListPages.Page<Statement>>("StatementConnection", "count", p => p.Count)

        .BindSource<Statement>("Statement", "uuid", s => s.Uuid?.ToString())
        .BindSource<Statement>("Statement", "metadata", s => TesseraGraphQLSchema.Json(s.MetadataJson))
        .Bind("Statement", "account", async ctx => await TesseraGraphQLSchema.AccountsById(ctx).LoadAsync(ctx.SourceAs<Statement>().AccountId))
        // A mock statement's PDF is Tessera's own, behind a fresh short-lived link; an imported one's is as given.
        .Bind("Statement", "url", ctx => ctx.Services!.GetRequiredService<StatementLinks>().UrlOf(ctx.SourceAs<Statement>()));

    /// <summary>The statement filter and sort of one field, read and checked once.</summary>
    private sealed record Filter(List<string>? AccountIds, List<string>? PeriodAccountIds, DateOnly? On, DateOnly? Start, DateOnly? End, bool Ascending)
    {
        public static Filter Read(ResolveFieldContext ctx)
        {
            var filter = ctx.Arguments.GetValueOrDefault("filter") as IReadOnlyDictionary<string, object?>;
            var period = filter?.GetValueOrDefault("for") as IReadOnlyDictionary<string, object?>;
            var start = period?.GetValueOrDefault("start") as DateOnly?;
            var end = period?.GetValueOrDefault("end") as DateOnly?;
            if (start > end) throw new GraphQLError("filter.for.start must not be after filter.for.end.");
            return new Filter(Ids(filter, "accountIds"), Ids(period, "accountIds"), filter?.GetValueOrDefault("on") as DateOnly?, start, end,
                ctx.GetArgument<string>("sort") == "DATE_ASC");
        }

        private static List<string>? Ids(IReadOnlyDictionary<string, object?>? map, string name) =>
            map?.GetValueOrDefault(name) is IEnumerable<object?> list ? list.OfType<string>().ToList() : null;

        /// <summary>Requests of the same filter share one DataLoader batch.</summary>
        public string Key => string.Join('|', AccountIds is null ? "-" : string.Join(',', AccountIds), PeriodAccountIds is null ? "-" : string.Join(',', PeriodAccountIds),
            On?.ToString("O") ?? "-", Start?.ToString("O") ?? "-", End?.ToString("O") ?? "-", Ascending);

        public IQueryable<Statement> Apply(IQueryable<Statement> query)
        {
            if (AccountIds is { } ids) query = query.Where(s => ids.Contains(s.AccountId));
            if (PeriodAccountIds is { } periodIds) query = query.Where(s => periodIds.Contains(s.AccountId));
            if (On is { } on) query = query.Where(s => s.StartOn <= on && s.EndOn >= on);
            if (Start is { } start && End is { } end) query = query.Where(s => s.StartOn <= end && s.EndOn >= start);
            return Ascending
                ? query.OrderBy(s => s.EndOn).ThenBy(s => s.Id)
                : query.OrderByDescending(s => s.EndOn).ThenByDescending(s => s.Id);
        }
    }

    private static DataLoader<string, List<Statement>> StatementsByAccount(ResolveFieldContext ctx, Filter filter) =>
        ctx.GetDataLoader<string, List<Statement>>("statementsByAccount:" + filter.Key, ctx => async (ids, ct) =>
        {
            var caller = Caller(ctx);
            var rows = await caller.WithDbAsync(db => filter.Apply(db.Statements.AsNoTracking()
                .Where(s => ids.Contains(s.AccountId) && s.EnvironmentId == caller.EnvironmentId && s.ProfileId == caller.ProfileId)).ToListAsync(ct));
            // GroupBy keeps the query's order within each account.
            return rows.GroupBy(s => s.AccountId).ToDictionary(g => g.Key, g => g.ToList());
        });
}
