using System.Text.Json.Nodes;
using Tessera.Webhooks;
using Xunit;

namespace Tessera.Tests.Webhooks;

/// <summary>The payload writer against what JavaScript's JSON.stringify writes (values checked with node).</summary>
public sealed class JavaScriptJsonTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1234.56, "1234.56")]
    [InlineData(-15.49, "-15.49")]
    [InlineData(100.0, "100")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5e22, "1.5e+22")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(0.0000001, "1e-7")]
    [InlineData(1.25e-8, "1.25e-8")]
    [InlineData(0.1, "0.1")]
    [InlineData(123456789012345680.0, "123456789012345680")]
    [InlineData(double.PositiveInfinity, "null")]
    public void NumbersAreWrittenAsJavaScriptWritesThem(double value, string expected) =>
        Assert.Equal(expected, JavaScriptJson.Number(value));

    [Fact]
    public void NegativeZeroIsWrittenAsZero() => Assert.Equal("0", JavaScriptJson.Number(-0.0));

    [Fact]
    public void StringsAreEscapedOnlyWhereJavaScriptEscapesThem()
    {
        var node = new JsonObject { ["s"] = "a\"b\\c\n\t\u0001 <&>+' é 😀 \u2028 \ud800" };
        Assert.Equal("{\"s\":\"a\\\"b\\\\c\\n\\t\\u0001 <&>+' é 😀 \u2028 \\ud800\"}", JavaScriptJson.Stringify(node));
    }

    [Fact]
    public void IntegerLikeKeysComeFirstAscendingAsInAJavaScriptObject()
    {
        var node = JsonNode.Parse("""{"b":1,"2":true,"a":null,"1":[1.50,"x"],"01":{}}""");
        Assert.Equal("""{"1":[1.5,"x"],"2":true,"b":1,"a":null,"01":{}}""", JavaScriptJson.Stringify(node));
    }
}
