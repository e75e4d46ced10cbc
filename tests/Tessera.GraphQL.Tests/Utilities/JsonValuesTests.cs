using Tessera.GraphQL.Utilities;
using Xunit;

namespace Tessera.GraphQL.Tests.Utilities;

public class JsonValuesTests
{
    // Expected texts are JavaScript's String(x) for the same doubles (Node 20).
    [Theory]
    [InlineData(1e-7, "1e-7")]
    [InlineData(123456789012345680000d, "123456789012345680000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.5, "1.5")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(-0.0, "0")]
    [InlineData(100d, "100")]
    [InlineData(1e-6, "0.000001")]
    [InlineData(123e-20, "1.23e-18")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(0.000001234, "0.000001234")]
    [InlineData(12345678.9, "12345678.9")]
    [InlineData(-2.5e-8, "-2.5e-8")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(4.35, "4.35")]
    [InlineData(9007199254740994d, "9007199254740994")]
    [InlineData(-1234.5678, "-1234.5678")]
    public void NumbersPrintLikeJavaScript(double value, string expected)
    {
        Assert.Equal(expected, JsonValues.JsNumberToString(value));
    }

    [Theory]
    [InlineData("0x10", 16d)]
    [InlineData("0b101", 5d)]
    [InlineData("0o17", 15d)]
    [InlineData("  12.5  ", 12.5)]
    [InlineData("", 0d)]
    [InlineData("1e3", 1000d)]
    [InlineData(".5", 0.5)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    public void StringsConvertToNumbersLikeJavaScript(string text, double expected)
    {
        Assert.Equal(expected, JsonValues.ParseJsNumber(text));
    }

    [Theory]
    [InlineData("1,000")]
    [InlineData("-0x10")]
    [InlineData("abc")]
    [InlineData("1e")]
    public void TextJavaScriptCannotReadIsNotANumber(string text)
    {
        Assert.True(double.IsNaN(JsonValues.ParseJsNumber(text)));
    }
}
