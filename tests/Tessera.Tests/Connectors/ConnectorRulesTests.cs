using Tessera.Connectors;
using Tessera.Environments;
using Tessera.FinancialData;
using Xunit;

namespace Tessera.Tests.Connectors;

public sealed class ConnectorRulesTests
{
    [Theory]
    [InlineData(EnvironmentMode.Sandbox, MockBank.InstitutionId, ConnectorRules.Decision.Allowed)]
    [InlineData(EnvironmentMode.Sandbox, "ins_other", ConnectorRules.Decision.UnknownInstitution)]
    [InlineData(EnvironmentMode.Sandbox, null, ConnectorRules.Decision.UnknownInstitution)]
    [InlineData(EnvironmentMode.Development, MockBank.InstitutionId, ConnectorRules.Decision.NoAggregator)]
    [InlineData(EnvironmentMode.Production, MockBank.InstitutionId, ConnectorRules.Decision.NoAggregator)]
    public void ConnectIsAllowedForADirectoryInstitutionInTheSandboxOnly(EnvironmentMode mode, string? institution, ConnectorRules.Decision expected) =>
        Assert.Equal(expected, ConnectorRules.Connect(mode, institution));

    [Theory]
    [InlineData(EnvironmentMode.Sandbox, ConnectionProvider.Mock, ConnectorRules.Decision.Allowed)]
    [InlineData(EnvironmentMode.Sandbox, ConnectionProvider.Import, ConnectorRules.Decision.NotReconnectable)]
    [InlineData(EnvironmentMode.Production, ConnectionProvider.Mock, ConnectorRules.Decision.NoAggregator)]
    [InlineData(EnvironmentMode.Production, ConnectionProvider.Import, ConnectorRules.Decision.NoAggregator)]
    public void ReconnectIsAllowedForAMockConnectionInTheSandboxOnly(EnvironmentMode mode, ConnectionProvider provider, ConnectorRules.Decision expected) =>
        Assert.Equal(expected, ConnectorRules.Reconnect(mode, provider));

    [Theory]
    [InlineData("https://app.example.com", "https://app.example.com")]
    [InlineData("http://localhost:5173", "http://localhost:5173")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("http://[::1]:8080", "http://[::1]:8080")]
    [InlineData("https://app.example.com:8443", "https://app.example.com:8443")]
    [InlineData("https://app.example.com/", null)]
    [InlineData("https://app.example.com:443", null)]
    [InlineData("HTTPS://app.example.com", null)]
    [InlineData("https://app.example.com?x=1", null)]
    [InlineData("https://app.example.com#x", null)]
    [InlineData("https://a@app.example.com", null)]
    [InlineData("ftp://app.example.com", null)]
    [InlineData("null", null)]
    [InlineData("https://app.example.com 'unsafe-inline'", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void AnOriginIsOnlyAnExactSerializedHttpOrigin(string? raw, string? expected) =>
        Assert.Equal(expected, ConnectorRules.ParseOrigin(raw));

    [Fact]
    public void TheDirectoryOffersTheMockBankInTheSandboxAndNothingElsewhere()
    {
        Assert.Equal([MockBank.InstitutionName], InstitutionDirectory.Search(EnvironmentMode.Sandbox, "tessera").Select(i => i.Name));
        Assert.Equal([MockBank.InstitutionName], InstitutionDirectory.Search(EnvironmentMode.Sandbox, MockBank.InstitutionId).Select(i => i.Name));
        Assert.Empty(InstitutionDirectory.Search(EnvironmentMode.Production, "tessera"));
        Assert.True(InstitutionDirectory.IsResolvable(EnvironmentMode.Sandbox, "mock", MockBank.InstitutionId));
        Assert.False(InstitutionDirectory.IsResolvable(EnvironmentMode.Sandbox, "plaid", MockBank.InstitutionId));
        Assert.False(InstitutionDirectory.IsResolvable(EnvironmentMode.Development, "mock", MockBank.InstitutionId));
    }
}
