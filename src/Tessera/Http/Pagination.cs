using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Tessera.Http;

/// <summary>
/// Quiltt's REST pagination, for every list endpoint: <c>page</c> (from 1, default 1) and <c>limit</c> (default 25;
/// <c>items</c> is accepted too, the name Quiltt's API overview uses) in; the page as a bare JSON array and the
/// <c>Current-Page</c>, <c>Page-Items</c>, <c>Total-Count</c> and <c>Total-Pages</c> headers out.
/// </summary>
/// <param name="Page">The page asked for (a page past the last is empty, not an error).</param>
/// <param name="Items">Items per page, at most <see cref="MaxItems"/>.</param>
public readonly record struct PageRequest(int Page, int Items)
{
    public const int DefaultItems = 25;

    /// <summary>
    /// A larger <c>limit</c> is served as this many, and <c>Page-Items</c> says so (Quiltt's OpenAPI sets no maximum;
    /// a client written for it must not be refused for asking more).
    /// </summary>
    public const int MaxItems = 100;

    /// <summary>The highest page whose first row's offset still fits an <see cref="int"/>.</summary>
    public const int MaxPage = int.MaxValue / MaxItems;

    public int Skip => (Page - 1) * Items;

    /// <summary>The request's page, or a 400 with the error body naming the parameter that is wrong.</summary>
    public static bool TryParse(IQueryCollection query, out PageRequest request, out JsonHttpResult<ApiError>? error)
    {
        request = default;
        error = null;
        if (!TryRead(query, "page", 1, MaxPage, out var page, out error)) return false;
        if (!TryRead(query, "limit", DefaultItems, int.MaxValue, out var limit, out error)) return false;
        if (!TryRead(query, "items", limit, int.MaxValue, out var items, out error)) return false;
        if (query.ContainsKey("limit") && query.ContainsKey("items") && items != limit)
        {
            error = BadRequest("Send one of limit and items (they name the same thing), or the same value in both.");
            return false;
        }
        request = new PageRequest(page, Math.Min(items, MaxItems));
        return true;
    }

    /// <summary>
    /// The total for the headers. One query when the page itself tells it (a short page that is not past the end),
    /// else a count, which the caller runs only then.
    /// </summary>
    public async Task<long> TotalAsync(int rowsOnPage, Func<Task<long>> count) =>
        rowsOnPage < Items && (rowsOnPage > 0 || Page == 1) ? Skip + rowsOnPage : await count();

    public void WriteHeaders(HttpContext http, long total)
    {
        var headers = http.Response.Headers;
        headers["Current-Page"] = Page.ToString(CultureInfo.InvariantCulture);
        headers["Page-Items"] = Items.ToString(CultureInfo.InvariantCulture);
        headers["Total-Count"] = total.ToString(CultureInfo.InvariantCulture);
        // As Quiltt's pagination does: an empty collection still has one (empty) page.
        headers["Total-Pages"] = Math.Max(1, (total + Items - 1) / Items).ToString(CultureInfo.InvariantCulture);
    }

    private static bool TryRead(IQueryCollection query, string name, int fallback, int max, out int value, out JsonHttpResult<ApiError>? error)
    {
        value = fallback;
        error = null;
        if (!query.TryGetValue(name, out var raw)) return true;
        if (raw.Count == 1 && int.TryParse(raw[0], NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= 1 && value <= max)
            return true;
        error = BadRequest(max == int.MaxValue
            ? $"{name} must be a whole number of at least 1 (at most {MaxItems} are served per page)."
            : $"{name} must be a whole number from 1 to {max}.");
        return false;
    }

    private static JsonHttpResult<ApiError> BadRequest(string instruction) =>
        ApiError.Result(StatusCodes.Status400BadRequest, "Bad Request", instruction);
}
