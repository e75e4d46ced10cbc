using System.Text.Json;
using Tessera.Metadata;
using Xunit;

namespace Tessera.Tests.Metadata;

/// <summary>Quiltt's metadata rule, at each boundary: merge, delete by null, reset by null, at most 50 keys.</summary>
public sealed class MetadataMergeTests
{
    private static MetadataMerge.Decision Apply(string? current, string patch) => MetadataMerge.Apply(current, JsonDocument.Parse(patch).RootElement);

    private static string Keys(int count, int from = 0) =>
        "{" + string.Join(",", Enumerable.Range(from, count).Select(i => $"\"k{i}\":{i}")) + "}";

    [Theory]
    [InlineData(null, """{"a":1}""", """{"a":1}""")]
    [InlineData("""{"a":1,"b":2}""", """{"b":3}""", """{"a":1,"b":3}""")]
    [InlineData("""{"a":1,"b":2}""", """{"b":null}""", """{"a":1}""")]
    [InlineData("""{"a":1}""", """{"a":null}""", "{}")]
    [InlineData("""{"a":1}""", """{"zzz":null}""", """{"a":1}""")]
    [InlineData("""{"a":{"x":1,"y":2}}""", """{"a":{"x":3}}""", """{"a":{"x":3}}""")]
    [InlineData("""{"a":1}""", "null", null)]
    public void MergesIntoTheStoredObject(string? current, string patch, string? expected)
    {
        var decision = Apply(current, patch);
        Assert.False(decision.Refused, decision.Error);
        Assert.Equal(expected, decision.Json);
    }

    [Fact]
    public void FiftyKeysAfterTheMergeAreAcceptedAndFiftyOneRefused()
    {
        Assert.False(Apply(Keys(49), Keys(1, from: 49)).Refused);
        var refused = Apply(Keys(50), Keys(1, from: 50));
        Assert.True(refused.Refused);
        Assert.Contains("at most 50 keys", refused.Error);
        // Deleting in the same update counts: 50 stored, one removed, one added.
        Assert.False(Apply(Keys(50), """{"k0":null,"new":1}""").Refused);
        // Re-sending stored keys adds none.
        Assert.False(Apply(Keys(50), Keys(50)).Refused);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("\"text\"")]
    [InlineData("3")]
    [InlineData("{}")]
    [InlineData("""{"":1}""")]
    public void RefusesWhatIsNotAnObjectOfKeys(string patch) => Assert.True(Apply("""{"a":1}""", patch).Refused);

    [Fact]
    public void KeysOfAHundredCharactersAreAcceptedAndLongerRefused()
    {
        Assert.False(Apply(null, $$"""{"{{new string('k', 100)}}":1}""").Refused);
        Assert.True(Apply(null, $$"""{"{{new string('k', 101)}}":1}""").Refused);
    }
}
