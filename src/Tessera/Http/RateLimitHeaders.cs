using System.Globalization;

namespace Tessera.Http;

/// <summary>The <c>Ratelimit-*</c> response headers.</summary>
public static class RateLimitHeaders
{
    // Reset is at most a minute away on the per-request limiter: its values are kept as strings.
    private static readonly string[] SmallNumbers = Enumerable.Range(0, 61).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    public static void Set(HttpContext http, int limit, int remaining, int resetSeconds) =>
        Set(http, Text(limit), remaining, resetSeconds);

    public static void Set(HttpContext http, string limit, int remaining, int resetSeconds)
    {
        var headers = http.Response.Headers;
        headers["Ratelimit-Limit"] = limit;
        headers["Ratelimit-Remaining"] = Text(Math.Max(0, remaining));
        headers["Ratelimit-Reset"] = Text(Math.Max(0, resetSeconds));
    }

    private static string Text(int value) =>
        (uint)value < (uint)SmallNumbers.Length ? SmallNumbers[value] : value.ToString(CultureInfo.InvariantCulture);
}
