using System.Buffers.Text;
using System.Text;
using Tessera.GraphQL;
using Tessera.GraphQL.Execution;
using Tessera.GraphQL.Types;

namespace Tessera.DataApi;

/// <summary>
/// Relay pages over short lists that are read whole and ordered in memory: holdings (a few dozen positions) and
/// statements (one a month per account). A cursor is the row's id; the window is exact, so <c>pageInfo</c> costs
/// nothing. Long lists (transactions) page in the database instead (<see cref="TransactionPages"/>).
/// </summary>
public static class ListPages
{
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 25;

    /// <summary>What cost analysis assumes of such a list: the page asked for, or the default.</summary>
    public static ListSize Size => new(DefaultPageSize, ["first", "last"], MaxPageSize, ["nodes", "edges"]);

    public sealed record Edge<T>(string Cursor, T Node);

    public sealed record PageInfo(bool HasNextPage, bool HasPreviousPage, string? StartCursor, string? EndCursor);

    public sealed record Page<T>(int Count, IReadOnlyList<Edge<T>> Edges, PageInfo PageInfo)
    {
        public IEnumerable<T> Nodes => Edges.Select(e => e.Node);
    }

    /// <summary>The arguments of a paged field, checked once before any loading.</summary>
    public readonly record struct Window(int? First, int? Last, string? After, string? Before);

    public static Window ReadWindow(ResolveFieldContext ctx, string what)
    {
        var first = ctx.GetArgument<int?>("first");
        var last = ctx.GetArgument<int?>("last");
        if (first is not null && last is not null) throw new GraphQLError("Pass either first or last, not both.");
        if (first is < 0 || last is < 0) throw new GraphQLError("first and last must not be negative.");
        if (first > MaxPageSize || last > MaxPageSize) throw new GraphQLError($"A page holds at most {MaxPageSize} {what}.");
        return new Window(first, last, Decode(ctx.GetArgument<string>("after"), "after"), Decode(ctx.GetArgument<string>("before"), "before"));
    }

    /// <summary>The page of <paramref name="ordered"/> the window asks for.</summary>
    public static Page<T> Slice<T>(IReadOnlyList<T> ordered, Func<T, string> id, Window window)
    {
        var lo = 0;
        var hi = ordered.Count;
        if (window.After is { } after) lo = IndexOf(ordered, id, after, "after") + 1;
        if (window.Before is { } before) hi = Math.Min(hi, IndexOf(ordered, id, before, "before"));
        if (hi < lo) hi = lo;
        if (window.Last is { } last) lo = Math.Max(lo, hi - last);
        else hi = Math.Min(hi, lo + (window.First ?? DefaultPageSize));
        var edges = new List<Edge<T>>(hi - lo);
        for (var i = lo; i < hi; i++) edges.Add(new Edge<T>(Encode(id(ordered[i])), ordered[i]));
        return new Page<T>(ordered.Count, edges, new PageInfo(hi < ordered.Count, lo > 0, edges.FirstOrDefault()?.Cursor, edges.LastOrDefault()?.Cursor));
    }

    private static int IndexOf<T>(IReadOnlyList<T> ordered, Func<T, string> id, string cursor, string argument)
    {
        for (var i = 0; i < ordered.Count; i++)
            if (id(ordered[i]) == cursor) return i;
        // A row gone since the cursor was given, or a cursor of another list.
        throw InvalidCursor(argument);
    }

    private static string Encode(string id) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(id));

    private static string? Decode(string? raw, string argument)
    {
        if (raw is null) return null;
        if (raw.Length <= 100)
        {
            try { return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(raw)); }
            catch (FormatException) { }
        }
        throw InvalidCursor(argument);
    }

    private static GraphQLError InvalidCursor(string argument) =>
        new($"Invalid cursor: `{argument}` is not a cursor of this list.", extensions: new Dictionary<string, object?> { ["code"] = "INVALID_CURSOR" });
}
