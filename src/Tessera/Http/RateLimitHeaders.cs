namespace Tessera.Http;

/// <summary>The <c>Ratelimit-*</c> response headers.</summary>
public static class RateLimitHeaders
{
    public static void Set(HttpContext http, int limit, int remaining, int resetSeconds)
    {
        var headers = http.Response.Headers;
        headers["Ratelimit-Limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["Ratelimit-Remaining"] = Math.Max(0, remaining).ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["Ratelimit-Reset"] = Math.Max(0, resetSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
