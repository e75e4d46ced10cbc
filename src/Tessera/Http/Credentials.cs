namespace Tessera.Http;

public static class Credentials
{
    /// <summary>The credential of an <c>Authorization: Bearer …</c> header, or null.</summary>
    public static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization;
        if (header.Count != 1) return null;
        var value = header[0];
        if (value is null || value.Length < 8 || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
        var credential = value.AsSpan(7).Trim();
        return credential.IsEmpty ? null : credential.ToString();
    }

    /// <summary>The client's IP as seen on the connection (forwarded headers only count from trusted proxies).</summary>
    public static string? ClientIp(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
