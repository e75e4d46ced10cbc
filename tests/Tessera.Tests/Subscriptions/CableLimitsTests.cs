using System.Diagnostics;
using Tessera.Subscriptions;
using Xunit;

namespace Tessera.Tests.Subscriptions;

public class CableLimitsTests
{
    private static readonly SubscriptionOptions Options = new() { MaxSocketsPerInstance = 10, MaxSocketsPerProfile = 3, MaxSubscriptionsPerSocket = 2, CommandBurst = 2, CommandsPerSecond = 1 };

    [Theory]
    [InlineData(0, 0, CableAdmission.Admitted)]
    [InlineData(9, 2, CableAdmission.Admitted)]
    [InlineData(9, 3, CableAdmission.ProfileFull)]
    [InlineData(10, 0, CableAdmission.InstanceFull)]
    [InlineData(10, 3, CableAdmission.InstanceFull)]
    public void AdmissionIsDecidedAtEachBound(int instance, int profile, CableAdmission expected) =>
        Assert.Equal(expected, CableLimits.Admit(instance, profile, Options));

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public void ASocketMaySubscribeUpToItsBound(int subscriptions, bool expected) =>
        Assert.Equal(expected, CableLimits.MaySubscribe(subscriptions, Options));

    [Fact]
    public void TheCommandBucketAllowsTheBurstThenTheSustainedRate()
    {
        double tokens = Options.CommandBurst;
        long at = 0, second = Stopwatch.Frequency;
        Assert.True(CableLimits.TakeCommand(ref tokens, ref at, 0, second, Options));
        Assert.True(CableLimits.TakeCommand(ref tokens, ref at, 0, second, Options));
        Assert.False(CableLimits.TakeCommand(ref tokens, ref at, 0, second, Options));
        Assert.False(CableLimits.TakeCommand(ref tokens, ref at, second / 2, second, Options)); // half a token
        Assert.True(CableLimits.TakeCommand(ref tokens, ref at, second, second, Options));     // a whole one
        Assert.True(CableLimits.TakeCommand(ref tokens, ref at, 100 * second, second, Options)); // refilled to the burst, no more
        Assert.True(CableLimits.TakeCommand(ref tokens, ref at, 100 * second, second, Options));
        Assert.False(CableLimits.TakeCommand(ref tokens, ref at, 100 * second, second, Options));
    }
}

public class SubscriptionEventsTests
{
    private static SubscriptionEvent Event(string type, string id = "acct_1") => new(1, type, "env_1", "p_1", id, null, DateTime.UtcNow);
    private static readonly Dictionary<string, object?> None = new();

    [Theory]
    [InlineData("account.verified", "accountVerified")]
    [InlineData("connection.created", "connectionCreated")]
    [InlineData("connection.synced.successful", "connectionSynced")]
    [InlineData("connection.synced.successful.initial", "connectionSynced")]
    [InlineData("connection.synced.errored.repairable", "connectionSynced")]
    [InlineData("connection.synced.errored.repairable", "connectionUpdated")]
    [InlineData("connection.disconnected", "connectionUpdated")]
    [InlineData("profile.ready", "profileReady")]
    public void EachEventTypeFeedsItsFields(string type, string field) => Assert.True(SubscriptionEvents.Matches(field, None, Event(type)));

    [Theory]
    [InlineData("connection.synced.successful.historical")]
    [InlineData("account.created")]
    [InlineData("balance.created")]
    [InlineData("session.revoked")]
    public void OtherEventTypesFeedNoField(string type) => Assert.Empty(SubscriptionEvents.FieldsFor(type));

    [Fact]
    public void AnIdArgumentLetsOnlyThatRecordThrough()
    {
        Assert.True(SubscriptionEvents.Matches("accountVerified", new Dictionary<string, object?> { ["accountId"] = "acct_1" }, Event("account.verified")));
        Assert.False(SubscriptionEvents.Matches("accountVerified", new Dictionary<string, object?> { ["accountId"] = "acct_2" }, Event("account.verified")));
        Assert.True(SubscriptionEvents.Matches("accountVerified", new Dictionary<string, object?> { ["accountId"] = null }, Event("account.verified")));
        Assert.False(SubscriptionEvents.Matches("connectionSynced", new Dictionary<string, object?> { ["connectionId"] = "conn_2" }, Event("connection.synced.successful", "conn_1")));
    }

    [Fact]
    public void TheLogRecordGivesTheIdAndTheReadyConnection()
    {
        var ready = SubscriptionEvents.FromLog(7, "profile.ready", "env_1", "p_1", """{"id":"p_1","$metadata":{"connectionId":"conn_9"}}""", DateTime.UtcNow);
        Assert.Equal(("p_1", "conn_9"), (ready!.RecordId, ready.ConnectionId));
        Assert.Null(SubscriptionEvents.FromLog(8, "account.verified", "env_1", null, """{"id":"acct_1"}""", DateTime.UtcNow));
        Assert.Null(SubscriptionEvents.FromLog(9, "account.verified", "env_1", "p_1", "not json", DateTime.UtcNow));
    }
}
