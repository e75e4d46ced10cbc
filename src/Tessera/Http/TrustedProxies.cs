using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Tessera.Http;

/// <summary>
/// The client IP comes from the connection. Only when <c>Network:TrustedProxies</c> lists the proxies in front of
/// Tessera is <c>X-Forwarded-For</c> believed, and only from them: otherwise anyone could pick the IP the per-IP
/// limits count against. (ASP.NET trusts loopback by default; that default is cleared here.)
/// </summary>
public static class TrustedProxies
{
    public static IApplicationBuilder UseTrustedProxies(this WebApplication app)
    {
        var proxies = app.Configuration.GetSection("Network:TrustedProxies").Get<string[]>() ?? [];
        if (proxies.Length == 0) return app;
        var options = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        options.KnownIPNetworks.Clear();
        options.KnownProxies.Clear();
        foreach (var proxy in proxies)
        {
            if (!IPAddress.TryParse(proxy, out var address))
                throw new InvalidOperationException($"Network:TrustedProxies holds '{proxy}', which is not an IP address.");
            options.KnownProxies.Add(address);
        }
        return app.UseForwardedHeaders(options);
    }
}
