using System.Net;
using Tessera.Webhooks;
using Xunit;

namespace Tessera.Tests.Webhooks;

/// <summary>The SSRF guard's address rules, including IPv6 forms that carry a private IPv4 address inside.</summary>
public sealed class TargetGuardTests
{
    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("198.18.0.1")]
    [InlineData("::")]
    [InlineData("::10.0.0.1")]                 // IPv4-compatible
    [InlineData("::ffff:192.168.1.1")]         // IPv4-mapped
    [InlineData("64:ff9b::a9fe:a9fe")]         // NAT64 of 169.254.169.254
    [InlineData("64:ff9b:1::7f00:1")]          // local-use NAT64 of 127.0.0.1
    [InlineData("2002:0a00:0001::1")]          // 6to4 of 10.0.0.1
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    [InlineData("2001:db8::1")]
    [InlineData("fd00::1")]
    [InlineData("fe80::1")]
    public void PrivateAndSpecialAddressesAreRefused(string address) =>
        Assert.False(TargetGuard.IsAllowed(IPAddress.Parse(address), allowPrivate: false));

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("64:ff9b::808:808")]           // NAT64 of a public address
    [InlineData("2002:0808:0808::1")]          // 6to4 of a public address
    public void PublicAddressesAreAllowed(string address) =>
        Assert.True(TargetGuard.IsAllowed(IPAddress.Parse(address), allowPrivate: false));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public void LoopbackIsAllowedOnlyWhenTheSandboxAsks(string address)
    {
        Assert.True(TargetGuard.IsAllowed(IPAddress.Parse(address), allowPrivate: true));
        Assert.False(TargetGuard.IsAllowed(IPAddress.Parse(address), allowPrivate: false));
    }
}
