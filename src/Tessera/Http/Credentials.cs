namespace Tessera.Http;

public static class Credentials
{
    /// <summary>The credential of an <c>Authorization: Bearer …</c> header, or null.</summary>
    public static string? Bearer(HttpRequest request) => BearerText(request) is { IsEmpty: false } credential ? credential.ToString() : null;

    /// <summary>
    /// The credential of an <c>Authorization: Bearer …</c> header as a slice of the header's own string (empty when
    /// there is none), for callers that need not copy it: a session token is most of a request's bytes.
    /// </summary>
    public static ReadOnlyMemory<char> BearerText(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1) return default;
        var value = header[0];
        if (value is null || value.Length < 8 || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return default;
        return value.AsMemory(7).Trim();
    }

    /// <summary>The client's IP as seen on the connection (forwarded headers only count from trusted proxies).</summary>
    public static string? ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
