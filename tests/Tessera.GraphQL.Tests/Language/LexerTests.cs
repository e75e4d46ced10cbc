using Tessera.GraphQL.Language;
using Xunit;

namespace Tessera.GraphQL.Tests.Language;

public class LexerTests
{
    private static List<(TokenKind Kind, string? Value)> Lex(string source)
    {
        var lexer = new Lexer(source);
        var tokens = new List<(TokenKind, string?)>();
        do
        {
            lexer.Advance();
            tokens.Add((lexer.Kind, lexer.Value));
        }
        while (lexer.Kind != TokenKind.EndOfFile);

        return tokens;
    }

    private static string LexString(string source)
    {
        var lexer = new Lexer(source);
        lexer.Advance();
        Assert.True(lexer.Kind is TokenKind.String or TokenKind.BlockString);
        return lexer.Value!;
    }

    private static GraphQLSyntaxError LexError(string source) => Assert.Throws<GraphQLSyntaxError>(() => Lex(source));

    [Theory]
    [InlineData("!", TokenKind.Bang)]
    [InlineData("$", TokenKind.Dollar)]
    [InlineData("&", TokenKind.Amp)]
    [InlineData("(", TokenKind.ParenL)]
    [InlineData(")", TokenKind.ParenR)]
    [InlineData("...", TokenKind.Spread)]
    [InlineData(":", TokenKind.Colon)]
    [InlineData("=", TokenKind.Equals)]
    [InlineData("@", TokenKind.At)]
    [InlineData("[", TokenKind.BracketL)]
    [InlineData("]", TokenKind.BracketR)]
    [InlineData("{", TokenKind.BraceL)]
    [InlineData("|", TokenKind.Pipe)]
    [InlineData("}", TokenKind.BraceR)]
    public void EachPunctuatorIsLexedAsItsOwnKind(string source, TokenKind kind)
    {
        var tokens = Lex(source);
        Assert.Equal([(kind, null), (TokenKind.EndOfFile, null)], tokens);
    }

    [Fact]
    public void NamesIntsFloatsStringsAndBlockStringsCarryTheirValues()
    {
        var tokens = Lex("name _x9 0 -12 1.5 -0.0e+3 2E7 \"str\" \"\"\"block\"\"\"");
        Assert.Equal(
        [
            (TokenKind.Name, "name"), (TokenKind.Name, "_x9"), (TokenKind.Int, "0"), (TokenKind.Int, "-12"),
            (TokenKind.Float, "1.5"), (TokenKind.Float, "-0.0e+3"), (TokenKind.Float, "2E7"),
            (TokenKind.String, "str"), (TokenKind.BlockString, "block"), (TokenKind.EndOfFile, null),
        ], tokens);
    }

    [Fact]
    public void CommentsCommasWhitespaceAndByteOrderMarkAreIgnored()
    {
        var tokens = Lex("\uFEFF a, b # comment , c\n\t c");
        Assert.Equal([(TokenKind.Name, "a"), (TokenKind.Name, "b"), (TokenKind.Name, "c"), (TokenKind.EndOfFile, null)], tokens);
    }

    [Fact]
    public void TokensKnowTheirLineAndColumnAcrossAllLineTerminators()
    {
        var lexer = new Lexer("a\r\n  b\r   c\n d");
        var positions = new List<(int, int)>();
        for (lexer.Advance(); lexer.Kind != TokenKind.EndOfFile; lexer.Advance())
        {
            positions.Add((lexer.Line, lexer.Column));
        }

        Assert.Equal([(1, 1), (2, 3), (3, 4), (4, 2)], positions);
    }

    [Fact]
    public void StringEscapesAreDecoded()
    {
        Assert.Equal("quote\" slash\\ / \b\f\n\r\t", LexString("\"quote\\\" slash\\\\ \\/ \\b\\f\\n\\r\\t\""));
    }

    [Fact]
    public void FixedWidthVariableWidthAndSurrogatePairUnicodeEscapesAreDecoded()
    {
        Assert.Equal("é", LexString("\"\\u00E9\""));
        Assert.Equal("😀", LexString("\"\\u{1F600}\""));
        Assert.Equal("😀", LexString("\"\\uD83D\\uDE00\""));
        Assert.Equal("a😀b", LexString("\"a😀b\""));
    }

    [Fact]
    public void BlockStringRemovesCommonIndentAndBlankEdgeLines()
    {
        var value = LexString("\"\"\"\n\n    Hello,\n      World!\n\n    Yours,\n      GraphQL.\n  \"\"\"");
        Assert.Equal("Hello,\n  World!\n\nYours,\n  GraphQL.", value);
    }

    [Fact]
    public void BlockStringKeepsFirstLineIndentAndEscapedTripleQuotes()
    {
        Assert.Equal("  first\nsecond \"\"\" quote", LexString("\"\"\"  first\n   second \\\"\"\" quote\"\"\""));
        Assert.Equal("no \\n escapes", LexString("\"\"\"no \\n escapes\"\"\""));
    }

    [Fact]
    public void BlockStringCountsLinesForLaterTokens()
    {
        var lexer = new Lexer("\"\"\"a\nb\nc\"\"\" name");
        lexer.Advance();
        lexer.Advance();
        Assert.Equal((TokenKind.Name, 3, 6), (lexer.Kind, lexer.Line, lexer.Column));
    }

    [Theory]
    [InlineData("\"abc", "Syntax Error: Unterminated string.", 1, 5)]
    [InlineData("\"a\nb\"", "Syntax Error: Unterminated string.", 1, 3)]
    [InlineData("\"\"\"abc", "Syntax Error: Unterminated string.", 1, 7)]
    [InlineData("\"\\x\"", "Syntax Error: Invalid character escape sequence: \"\\x\".", 1, 2)]
    [InlineData("\"\\uD83D\"", "Syntax Error: Invalid Unicode escape sequence: \"\\uD83D\".", 1, 2)]
    [InlineData("\"\\u{110000}\"", "Syntax Error: Invalid Unicode escape sequence: \"\\u{110000}\".", 1, 2)]
    [InlineData("?", "Syntax Error: Unexpected character: \"?\".", 1, 1)]
    [InlineData("'a'", "Syntax Error: Unexpected single quote character ('), did you mean to use a double quote (\")?", 1, 1)]
    [InlineData("  ..", "Syntax Error: Unexpected character: \".\".", 1, 3)]
    [InlineData("01", "Syntax Error: Invalid number, unexpected digit after 0: \"1\".", 1, 2)]
    [InlineData("1.", "Syntax Error: Invalid number, expected digit but got: <EOF>.", 1, 3)]
    [InlineData("12a", "Syntax Error: Invalid number, expected digit but got: \"a\".", 1, 3)]
    [InlineData("1.2.3", "Syntax Error: Invalid number, expected digit but got: \".\".", 1, 4)]
    [InlineData("\n\n  \u0007", "Syntax Error: Unexpected character: U+0007.", 3, 3)]
    public void InvalidInputIsASyntaxErrorThatSaysWhatAndWhere(string source, string message, int line, int column)
    {
        var error = LexError(source);
        Assert.Equal(message, error.Message);
        Assert.Equal([new SourceLocation(line, column)], error.Locations);
    }

    [Fact]
    public void RepeatedNamesShareOneStringInstance()
    {
        var tokens = Lex("account account");
        Assert.Same(tokens[0].Value, tokens[1].Value);
    }

    [Fact]
    public void BlockStringPrinterRoundTripsThroughTheLexer()
    {
        foreach (var value in new[] { "simple", "  leading", "two\nlines", "trailing quote\"", "has \"\"\" inside", "trailing slash\\", "" })
        {
            Assert.Equal(value, LexString(BlockString.Print(value)));
        }
    }
}
