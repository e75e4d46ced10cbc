namespace Tessera.Http;

/// <summary>
/// The <c>Quiltt-Version</c> header (Quiltt's API overview, "Versioning"): a request may name an API version; every
/// response names the version that answered it. Tessera implements one contract, Quiltt's REST document of
/// <see cref="Current"/>, and answers the earlier published versions with it too, echoing the version asked for, since
/// nothing Tessera serves is documented to differ between them. A version Tessera does not know, or a value that is
/// not a version, is a 400 rather than an answer under a contract the caller did not ask for.
/// </summary>
public static class QuilttVersion
{
    public const string Header = "Quiltt-Version";

    /// <summary>The version of Quiltt's REST OpenAPI document that Tessera follows; the answer when none is asked for.</summary>
    public const string Current = "2026-04-01";

    /// <summary>The versions Quiltt has published (<c>YYYY-MM-DD</c>), oldest first.</summary>
    public static readonly IReadOnlyList<string> Known = ["2024-01-01", "2025-04-01", Current];

    private static readonly string Supported = string.Join(", ", Known);

    public static IApplicationBuilder UseQuilttVersion(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        var asked = Resolve(http.Request.Headers[Header]);
        // Set at the start of the response, so that answers written after a Clear() (errors) carry it as well.
        http.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            http.Response.Headers[Header] = Resolve(http.Request.Headers[Header]) ?? Current;
            return Task.CompletedTask;
        }, http);
        if (asked is null)
            return ApiError.WriteAsync(http, StatusCodes.Status400BadRequest, "Bad Request",
                $"Unsupported {Header}: send one of {Supported}, or no {Header} header for {Current}.");
        return next(http);
    });

    /// <summary>The known version a request's header names (<see cref="Current"/> when it names none); null when unsupported.</summary>
    private static string? Resolve(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 0) return Current;
        if (values.Count > 1) return null;
        var value = values[0].AsSpan().Trim();
        foreach (var known in Known)
            if (value.SequenceEqual(known)) return known;
        return null;
    }
}
