using System.Net;
using System.Net.Sockets;

namespace Tessera.Webhooks;

/// <summary>
/// The SSRF guard: a webhook may not reach the host's own network. Checked when a subscription is saved (a clear
/// 422) and again at every send on the addresses actually connected to (<see cref="ConnectAsync"/>), so a name
/// that later resolves to 10.0.0.1 (DNS rebinding) is refused too. In every environment mode, SANDBOX included:
/// whoever holds a key (SANDBOX keys are printed at first start) could otherwise read the delivery log as a port
/// scanner of the host's network. Only the operator opens it, with <see cref="WebhookOptions.AllowPrivateTargets"/>.
/// </summary>
public static class TargetGuard
{
    public const string Refusal = "must not resolve to a loopback, private, link-local or unique-local address (the server's operator can allow those with Webhooks:AllowPrivateTargets)";

    /// <summary>Whether a webhook may connect to the address; with <paramref name="allowPrivate"/> (the operator's
    /// <see cref="WebhookOptions.AllowPrivateTargets"/>), any address.</summary>
    public static bool IsAllowed(IPAddress address, bool allowPrivate)
    {
        if (allowPrivate) return true;
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address)) return false;
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127
                     || (b[0] == 100 && (b[1] & 0xC0) == 64)     // 100.64/10 carrier-grade NAT
                     || (b[0] == 169 && b[1] == 254)             // link-local (cloud metadata)
                     || (b[0] == 172 && (b[1] & 0xF0) == 16)     // 172.16/12
                     || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 192 && b[1] == 0 && b[2] == 0)  // IETF protocol assignments
                     || (b[0] == 198 && (b[1] & 0xFE) == 18)     // 198.18/15 benchmarking
                     || b[0] >= 224);                            // multicast, reserved, broadcast
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            if (address.Equals(IPAddress.IPv6None) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC                         // fc00::/7 unique-local
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8)  // 2001:db8::/32 documentation
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0))       // 2001::/32 Teredo (tunnels to anywhere)
                return false;
            // Addresses that carry an IPv4 address inside are judged by it: IPv4-compatible ::a.b.c.d (and :: itself),
            // NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16. Otherwise ::ffff:10.0.0.1's cousins slip through.
            if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return IsAllowed(new IPAddress(b.AsSpan(12, 4)), allowPrivate: false);
            if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && (b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0 || (b[4] == 0 && b[5] == 1)))
                return IsAllowed(new IPAddress(b.AsSpan(12, 4)), allowPrivate: false);
            if (b[0] == 0x20 && b[1] == 0x02) return IsAllowed(new IPAddress(b.AsSpan(2, 4)), allowPrivate: false);
            return true;
        }
        return false;
    }

    /// <summary>Why the URL may not be a target, or null. Resolves the host; a name that does not resolve yet is let through
    /// (it is checked again at send time).</summary>
    public static async Task<string?> CheckAsync(Uri url, bool allowPrivate, CancellationToken cancellationToken)
    {
        if (allowPrivate) return null;
        IPAddress[] addresses;
        // A trailing dot names the same host ("localhost." is localhost).
        var name = url.IdnHost.TrimEnd('.');
        if (IPAddress.TryParse(url.IdnHost, out var literal)) addresses = [literal];
        else if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            addresses = [IPAddress.Loopback];
        else
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(5));
                addresses = await Dns.GetHostAddressesAsync(url.IdnHost, timeout.Token);
            }
            catch (Exception ex) when (ex is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
        return addresses.All(a => IsAllowed(a, allowPrivate: false)) ? null : Refusal;
    }

    /// <summary>The webhook client's connect step: resolve, drop refused addresses, connect to what is left.</summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowPrivate, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = addresses.Where(a => IsAllowed(a, allowPrivate)).ToArray();
        if (allowed.Length == 0) throw new WebhookTargetRefusedException($"{host} resolves only to addresses webhooks may not reach");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}

public sealed class WebhookTargetRefusedException(string message) : Exception(message);
