using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tessera.Data;
using Tessera.FinancialData;
using Tessera.GraphQL;
using Tessera.GraphQL.Execution;

namespace Tessera.DataApi;

/// <summary>
/// Relay pagination over a profile's transactions with keyset cursors: a cursor is the sort key and the id of a row,
/// so pages stay stable while rows are added, and each page is one indexed range scan, however deep.
/// </summary>
public static class TransactionPages
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 25;

    /// <summary>
    /// A page. What costs a query beyond the page's own is resolved only when the query selects it: <c>count</c>
    /// (every match) and the far side of the cursor (<see cref="PageInfo"/>).
    /// </summary>
    public sealed class Page(Func<Task<int>> countAsync, IReadOnlyList<Edge> edges, PageInfo pageInfo)
    {
        public Task<int> CountAsync() => countAsync();
        public IReadOnlyList<Edge> Edges { get; } = edges;
        public IEnumerable<TransactionView> Nodes => Edges.Select(e => e.Node);
        public PageInfo PageInfo { get; } = pageInfo;
    }

    /// <summary>An edge; its cursor is encoded when read (most queries select nodes, not cursors).</summary>
    public sealed class Edge(int sort, TransactionView node)
    {
        public string Cursor => Encode((Sort)sort, Node);
        public TransactionView Node { get; } = node;
    }

    /// <summary>Relay's page info; the side of the page the client is not walking towards takes a probe, run once if asked for.</summary>
    public sealed class PageInfo(Lazy<Task<bool>> hasNextPage, Lazy<Task<bool>> hasPreviousPage, Edge? first, Edge? last)
    {
        public Task<bool> HasNextPageAsync() => hasNextPage.Value;
        public Task<bool> HasPreviousPageAsync() => hasPreviousPage.Value;
        public string? StartCursor => first?.Cursor;
        public string? EndCursor => last?.Cursor;
    }

    private enum Sort { DateAsc, DateDesc, AmountAsc, AmountDesc }

    private readonly record struct Cursor(long Key, string Id);

    // What nearly every client sends: the profile's transactions newest first, no filter, walked forward. Compiled
    // once, so a request neither builds nor hashes an expression tree for them; other shapes are composed per request.
    private static readonly CompiledQuery<Func<TesseraDbContext, string, string, int, IAsyncEnumerable<TransactionView>>> NewestFirst = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string profileId, int take) => db.Transactions.AsNoTracking()
            .Where(t => t.EnvironmentId == environmentId && t.ProfileId == profileId)
            .OrderByDescending(t => t.Date).ThenByDescending(t => t.Id).Take(take).Select(TransactionView.Projection)));

    private static readonly CompiledQuery<Func<TesseraDbContext, string, string, DateOnly, string, int, IAsyncEnumerable<TransactionView>>> NewestFirstAfter = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string profileId, DateOnly date, string id, int take) => db.Transactions.AsNoTracking()
            .Where(t => t.EnvironmentId == environmentId && t.ProfileId == profileId)
            .Where(t => t.Date <= date && (t.Date < date || string.Compare(t.Id, id) < 0))
            .OrderByDescending(t => t.Date).ThenByDescending(t => t.Id).Take(take).Select(TransactionView.Projection)));

    // The same on PostgreSQL, with the cursor as one row value: (date, id) < (cursor's date, cursor's id) is an index
    // condition on (profile_id, environment_id, date, id), so the scan starts at the cursor. The form above seeks to
    // the cursor's day only, then fetches and filters out the day's rows after the cursor one heap row at a time:
    // about half a day of rows per page (~150 buffers against ~56 for the first page at 274 transactions a day).
    private static readonly CompiledQuery<Func<TesseraDbContext, string, string, DateOnly, string, int, IAsyncEnumerable<TransactionView>>> NewestFirstAfterOnPostgres = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string profileId, DateOnly date, string id, int take) => db.Transactions.AsNoTracking()
            .Where(t => t.EnvironmentId == environmentId && t.ProfileId == profileId)
            .Where(t => EF.Functions.LessThan(ValueTuple.Create(t.Date, t.Id), ValueTuple.Create(date, id)))
            .OrderByDescending(t => t.Date).ThenByDescending(t => t.Id).Take(take).Select(TransactionView.Projection)));

    private static readonly CompiledQuery<Func<TesseraDbContext, string, string, Task<int>>> CountAll = new(() =>
        EF.CompileAsyncQuery((TesseraDbContext db, string environmentId, string profileId) =>
            db.Transactions.Count(t => t.EnvironmentId == environmentId && t.ProfileId == profileId)));

    /// <summary>The filter and search arguments as canonical JSON (object keys sorted): equal filters, equal keys.</summary>
    private static string FilterKey(ResolveFieldContext ctx)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            WriteCanonical(writer, ctx.Arguments.GetValueOrDefault("filter"));
            WriteCanonical(writer, ctx.Arguments.GetValueOrDefault("search"));
            writer.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteCanonical(System.Text.Json.Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case IReadOnlyDictionary<string, object?> map:
                writer.WriteStartObject();
                foreach (var (name, item) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(writer, item);
                }
                writer.WriteEndObject();
                break;
            case string text:
                writer.WriteStringValue(text);
                break;
            case System.Collections.IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list) WriteCanonical(writer, item);
                writer.WriteEndArray();
                break;
            case null:
                writer.WriteNullValue();
                break;
            default:
                // Numbers, dates, booleans, JSON values: their invariant text, tagged with the type.
                writer.WriteStringValue(value.GetType().Name + ":" + (value is IFormattable formattable ? formattable.ToString(null, CultureInfo.InvariantCulture) : value.ToString()));
                break;
        }
    }

    public static async Task<Page> LoadAsync(ResolveFieldContext ctx, GraphQLCaller caller, string? accountId)
    {
        var first = ctx.GetArgument<int?>("first");
        var last = ctx.GetArgument<int?>("last");
        if (first is not null && last is not null) throw new GraphQLError("Pass either first or last, not both.");
        if (first is < 0 || last is < 0) throw new GraphQLError("first and last must not be negative.");
        if (first > MaxPageSize || last > MaxPageSize) throw new GraphQLError($"A page holds at most {MaxPageSize} transactions.");
        var sort = ParseSort(ctx.GetArgument<string>("sort") ?? "DATE_DESC");
        var after = ParseCursor(ctx.GetArgument<string>("after"), sort, "after");
        var before = ParseCursor(ctx.GetArgument<string>("before"), sort, "before");
        var backwards = last is not null;
        var size = backwards ? last!.Value : first ?? DefaultPageSize;
        var cancellationToken = ctx.CancellationToken;
        var environmentId = caller.EnvironmentId;
        var profileId = caller.ProfileId;
        var unfiltered = accountId is null && ctx.Arguments.GetValueOrDefault("filter") is null && ctx.Arguments.GetValueOrDefault("search") is null;

        var metadata = (ctx.Arguments.GetValueOrDefault("filter") as IReadOnlyDictionary<string, object?>)?.GetValueOrDefault("metadata");
        IQueryable<Transaction> Filtered(TesseraDbContext db) =>
            Filter((TransactionMetadataFilter.Matching(db, caller, metadata) ?? db.Transactions).AsNoTracking()
                .Where(t => t.EnvironmentId == environmentId && t.ProfileId == profileId), ctx, accountId);

        // The page's accounts come in the same turn when the query reads them, so its rows complete without waiting
        // for a DataLoader batch.
        var withAccounts = ctx.SelectsField("nodes", "account") || ctx.SelectsField("edges", "node", "account");

        var rows = await caller.WithDbAsync(async db =>
        {
            List<TransactionView> list;
            if (unfiltered && sort == Sort.DateDesc && !backwards && before is null)
            {
                var page = after is { } cursor
                    ? (db.IsPostgres ? NewestFirstAfterOnPostgres : NewestFirstAfter).For(db)(db, environmentId, profileId, DateOnly.FromDayNumber((int)cursor.Key), cursor.Id, size + 1)
                    : NewestFirst.For(db)(db, environmentId, profileId, size + 1);
                list = new List<TransactionView>(size + 1);
                await foreach (var row in page.WithCancellation(cancellationToken)) list.Add(row);
            }
            else
            {
                var window = Filtered(db);
                if (after is { } a) window = Beyond(window, sort, a, forward: true);
                if (before is { } b) window = Beyond(window, sort, b, forward: false);
                list = await Order(window, sort, reverse: backwards).Take(size + 1).Select(TransactionView.Projection).ToListAsync(cancellationToken);
            }
            if (withAccounts && list.Count > 0)
                await TesseraGraphQLSchema.PrimeAccountsAsync(ctx, db, caller, list.Select(t => t.AccountId).Distinct().ToArray(), cancellationToken);
            return list;
        });
        var more = rows.Count > size;
        if (more) rows.RemoveAt(rows.Count - 1);
        if (backwards) rows.Reverse();

        // The far side of the cursor given is only asked about when there is a cursor and the query selects it:
        // one indexed probe.
        var known = new Lazy<Task<bool>>(Task.FromResult(more));
        var noCursor = new Lazy<Task<bool>>(Task.FromResult(false));
        Lazy<Task<bool>> Probe(Cursor? cursor, bool forward) => cursor is not { } c ? noCursor
            : new Lazy<Task<bool>>(() => caller.WithDbAsync(db => Beyond(Filtered(db), sort, c, forward, inclusive: true).AnyAsync(cancellationToken)));
        var edges = new Edge[rows.Count];
        for (var i = 0; i < edges.Length; i++) edges[i] = new Edge((int)sort, rows[i]);
        var pageInfo = new PageInfo(
            hasNextPage: backwards ? Probe(before, forward: true) : known,
            hasPreviousPage: backwards ? known : Probe(after, forward: false),
            edges.FirstOrDefault(), edges.LastOrDefault());
        var counts = ctx.Services!.GetRequiredService<TransactionCounts>();
        return new Page(() => caller.WithDbAsync(db => counts.CountAsync(db, caller, accountId, unfiltered ? "" : FilterKey(ctx),
            () => unfiltered ? CountAll.For(db)(db, environmentId, profileId) : Filtered(db).CountAsync(cancellationToken))), edges, pageInfo);
    }

    private static IQueryable<Transaction> Filter(IQueryable<Transaction> query, ResolveFieldContext ctx, string? accountId)
    {
        if (accountId is not null) query = query.Where(t => t.AccountId == accountId);
        if (ctx.Arguments.TryGetValue("filter", out var raw) && raw is IReadOnlyDictionary<string, object?> filter)
        {
            if (filter.TryGetValue("accountIds", out var ids) && ids is IEnumerable<object?> list)
            {
                var accountIds = list.OfType<string>().ToList();
                query = query.Where(t => accountIds.Contains(t.AccountId));
            }
            query = AmountFilter(query, filter, "amount", (column, v) => column == v);
            query = AmountFilter(query, filter, "amount_gt", (column, v) => column > v);
            query = AmountFilter(query, filter, "amount_gte", (column, v) => column >= v);
            query = AmountFilter(query, filter, "amount_lt", (column, v) => column < v);
            query = AmountFilter(query, filter, "amount_lte", (column, v) => column <= v);
            if (filter.TryGetValue("date", out var d) && d is DateOnly date) query = query.Where(t => t.Date == date);
            if (filter.TryGetValue("date_gt", out d) && d is DateOnly gt) query = query.Where(t => t.Date > gt);
            if (filter.TryGetValue("date_gte", out d) && d is DateOnly gte) query = query.Where(t => t.Date >= gte);
            if (filter.TryGetValue("date_lt", out d) && d is DateOnly lt) query = query.Where(t => t.Date < lt);
            if (filter.TryGetValue("date_lte", out d) && d is DateOnly lte) query = query.Where(t => t.Date <= lte);
            if (filter.TryGetValue("entryType", out var e) && e is string entry && WireEnum.TryParse<EntryType>(entry, out var entryType))
                query = query.Where(t => t.EntryType == entryType);
            // A list (Quiltt's type); a single value arrives as a list of one (input coercion).
            if (filter.TryGetValue("status", out var s) && s is IEnumerable<object?> statusNames)
            {
                var statuses = statusNames.OfType<string>().Select(n => WireEnum.TryParse<TransactionStatus>(n, out var parsed) ? parsed : default).Distinct().ToList();
                query = query.Where(t => statuses.Contains(t.Status));
            }
        }
        if (ctx.Arguments.TryGetValue("search", out var rawSearch) && rawSearch is IReadOnlyDictionary<string, object?> search
            && search.TryGetValue("term", out var rawTerm) && rawTerm is string { Length: > 0 } term)
        {
            if (term.Length > 200) throw new GraphQLError("A search term is at most 200 characters.");
            var lowered = term.ToLowerInvariant();
            query = query.Where(t => t.Description.ToLower().Contains(lowered) || (t.MerchantName != null && t.MerchantName.ToLower().Contains(lowered)));
        }
        return query;
    }

    /// <summary>
    /// Compares a major-unit amount exactly with minor units, currency by currency: 12.34 is 1234 cents but 12 yen.
    /// An amount that is not a whole number of a currency's minor units matches no equality in that currency.
    /// </summary>
    private static IQueryable<Transaction> AmountFilter(IQueryable<Transaction> query, IReadOnlyDictionary<string, object?> filter, string name,
        System.Linq.Expressions.Expression<Func<long, long, bool>> compare)
    {
        if (!filter.TryGetValue(name, out var raw) || raw is null) return query;
        var major = Convert.ToDecimal(raw, CultureInfo.InvariantCulture);
        // Floors keep > and <= exact for fractional minor units; == uses an impossible value then.
        long Minor(int exponent)
        {
            var scaled = major * Money.Pow10(exponent);
            if (name == "amount" && scaled != decimal.Truncate(scaled)) return long.MinValue;
            return name is "amount_gte" or "amount_lt" ? (long)decimal.Ceiling(scaled) : (long)decimal.Floor(scaled);
        }
        var zero = Minor(0);
        var two = Minor(2);
        var three = Minor(3);
        var zeroCurrencies = Money.ZeroDecimal;
        var threeCurrencies = Money.ThreeDecimal;
        var body = compare.Body;
        var p = System.Linq.Expressions.Expression.Parameter(typeof(Transaction), "t");
        var amount = System.Linq.Expressions.Expression.Property(p, nameof(Transaction.Amount));
        var currency = System.Linq.Expressions.Expression.Property(p, nameof(Transaction.CurrencyCode));
        System.Linq.Expressions.Expression Apply(long value) =>
            new Rebinder(compare.Parameters[0], amount, compare.Parameters[1], System.Linq.Expressions.Expression.Constant(value)).Visit(body)!;
        System.Linq.Expressions.Expression In(string[] set) =>
            System.Linq.Expressions.Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], System.Linq.Expressions.Expression.Constant(set), currency);
        // (zero-decimal AND cmp(v×1)) OR (three-decimal AND cmp(v×1000)) OR (neither AND cmp(v×100))
        var inZero = In(zeroCurrencies);
        var inThree = In(threeCurrencies);
        var predicate = System.Linq.Expressions.Expression.OrElse(
            System.Linq.Expressions.Expression.AndAlso(inZero, Apply(zero)),
            System.Linq.Expressions.Expression.OrElse(
                System.Linq.Expressions.Expression.AndAlso(inThree, Apply(three)),
                System.Linq.Expressions.Expression.AndAlso(
                    System.Linq.Expressions.Expression.Not(System.Linq.Expressions.Expression.OrElse(inZero, inThree)), Apply(two))));
        return query.Where(System.Linq.Expressions.Expression.Lambda<Func<Transaction, bool>>(predicate, p));
    }

    private sealed class Rebinder(System.Linq.Expressions.ParameterExpression a, System.Linq.Expressions.Expression aValue,
        System.Linq.Expressions.ParameterExpression b, System.Linq.Expressions.Expression bValue) : System.Linq.Expressions.ExpressionVisitor
    {
        protected override System.Linq.Expressions.Expression VisitParameter(System.Linq.Expressions.ParameterExpression node) =>
            node == a ? aValue : node == b ? bValue : node;
    }

    private static IQueryable<Transaction> Order(IQueryable<Transaction> query, Sort sort, bool reverse) => (sort, reverse) switch
    {
        (Sort.DateDesc, false) or (Sort.DateAsc, true) => query.OrderByDescending(t => t.Date).ThenByDescending(t => t.Id),
        (Sort.DateAsc, false) or (Sort.DateDesc, true) => query.OrderBy(t => t.Date).ThenBy(t => t.Id),
        (Sort.AmountDesc, false) or (Sort.AmountAsc, true) => query.OrderByDescending(t => t.Amount).ThenByDescending(t => t.Id),
        _ => query.OrderBy(t => t.Amount).ThenBy(t => t.Id),
    };

    /// <summary>
    /// Rows past the cursor in the sort's direction (forward) or before it (backward). Written as
    /// <c>key &lt;= k AND (key &lt; k OR id &lt; i)</c> rather than a bare OR, so both databases start an index range at
    /// the cursor instead of walking the index from the top: a deep page costs what the first one does.
    /// </summary>
    private static IQueryable<Transaction> Beyond(IQueryable<Transaction> query, Sort sort, Cursor cursor, bool forward, bool inclusive = false)
    {
        var ascending = sort is Sort.DateAsc or Sort.AmountAsc;
        var greater = ascending == forward;
        var id = cursor.Id;
        if (sort is Sort.DateAsc or Sort.DateDesc)
        {
            var date = DateOnly.FromDayNumber((int)cursor.Key);
            return (greater, inclusive) switch
            {
                (true, false) => query.Where(t => t.Date >= date && (t.Date > date || string.Compare(t.Id, id) > 0)),
                (true, true) => query.Where(t => t.Date >= date && (t.Date > date || string.Compare(t.Id, id) >= 0)),
                (false, false) => query.Where(t => t.Date <= date && (t.Date < date || string.Compare(t.Id, id) < 0)),
                _ => query.Where(t => t.Date <= date && (t.Date < date || string.Compare(t.Id, id) <= 0)),
            };
        }
        var amount = cursor.Key;
        return (greater, inclusive) switch
        {
            (true, false) => query.Where(t => t.Amount >= amount && (t.Amount > amount || string.Compare(t.Id, id) > 0)),
            (true, true) => query.Where(t => t.Amount >= amount && (t.Amount > amount || string.Compare(t.Id, id) >= 0)),
            (false, false) => query.Where(t => t.Amount <= amount && (t.Amount < amount || string.Compare(t.Id, id) < 0)),
            _ => query.Where(t => t.Amount <= amount && (t.Amount < amount || string.Compare(t.Id, id) <= 0)),
        };
    }

    private static Sort ParseSort(string sort) => sort switch
    {
        "DATE_ASC" => Sort.DateAsc,
        "AMOUNT_ASC" => Sort.AmountAsc,
        "AMOUNT_DESC" => Sort.AmountDesc,
        _ => Sort.DateDesc,
    };

    private static string Encode(Sort sort, TransactionView t)
    {
        var key = sort is Sort.DateAsc or Sort.DateDesc ? t.Date.DayNumber : t.Amount;
        return Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{(int)sort}:{key.ToString(CultureInfo.InvariantCulture)}:{t.Id}"));
    }

    private static Cursor? ParseCursor(string? raw, Sort sort, string argument)
    {
        if (raw is null) return null;
        // Longer than any cursor given out (a sort digit, a key, an id of at most 64 characters).
        if (raw.Length <= 160)
        {
            try
            {
                var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(raw)).Split(':', 3);
                if (parts.Length == 3 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var encodedSort) && encodedSort == (int)sort
                    && long.TryParse(parts[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var key) && parts[2].Length is > 0 and <= 64
                    // A date key is a day number: outside DateOnly's range it is no date at all.
                    && (sort is not (Sort.DateAsc or Sort.DateDesc) || key is >= 0 && key <= MaxDayNumber))
                    return new Cursor(key, parts[2]);
            }
            catch (FormatException) { }
        }
        throw new GraphQLError($"Invalid cursor: `{argument}` is not a cursor this query gave out (cursors are tied to the sort).",
            extensions: new Dictionary<string, object?> { ["code"] = "INVALID_CURSOR" });
    }

    private static readonly int MaxDayNumber = DateOnly.MaxValue.DayNumber;
}
