using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace Tessera.GraphQL.Language;

/// <summary>Kinds of lexical tokens.</summary>
public enum TokenKind
{
    /// <summary>Start of file.</summary>
    StartOfFile,
    /// <summary>End of file.</summary>
    EndOfFile,
    /// <summary><c>!</c></summary>
    Bang,
    /// <summary><c>$</c></summary>
    Dollar,
    /// <summary><c>&amp;</c></summary>
    Amp,
    /// <summary><c>(</c></summary>
    ParenL,
    /// <summary><c>)</c></summary>
    ParenR,
    /// <summary><c>...</c></summary>
    Spread,
    /// <summary><c>:</c></summary>
    Colon,
    /// <summary><c>=</c></summary>
    Equals,
    /// <summary><c>@</c></summary>
    At,
    /// <summary><c>[</c></summary>
    BracketL,
    /// <summary><c>]</c></summary>
    BracketR,
    /// <summary><c>{</c></summary>
    BraceL,
    /// <summary><c>|</c></summary>
    Pipe,
    /// <summary><c>}</c></summary>
    BraceR,
    /// <summary>A name.</summary>
    Name,
    /// <summary>An integer literal.</summary>
    Int,
    /// <summary>A float literal.</summary>
    Float,
    /// <summary>A quoted string.</summary>
    String,
    /// <summary>A block string.</summary>
    BlockString,
    /// <summary>A comment (skipped by the parser).</summary>
    Comment,
}

/// <summary>
/// The GraphQL lexer: reads tokens from a string by index, one at a time (so a token limit stops lexing early).
/// Names are interned through a small bounded table to avoid allocating the same field names again and again.
/// </summary>
internal sealed class Lexer
{
    private readonly string _source;
    private int _position;
    private int _line = 1;
    private int _lineStart;

    public Lexer(string source)
    {
        _source = source;
        Kind = TokenKind.StartOfFile;
    }

    public string Source => _source;

    /// <summary>Kind of the current token.</summary>
    public TokenKind Kind { get; private set; }

    /// <summary>Start offset of the current token.</summary>
    public int Start { get; private set; }

    /// <summary>End offset of the current token.</summary>
    public int End { get; private set; }

    /// <summary>1-based line of the current token.</summary>
    public int Line { get; private set; } = 1;

    /// <summary>1-based column of the current token.</summary>
    public int Column { get; private set; } = 1;

    /// <summary>Value of the current Name, Int, Float, String, BlockString or Comment token.</summary>
    public string? Value { get; private set; }

    /// <summary>End offset of the previous token (for node locations).</summary>
    public int PreviousEnd { get; private set; }

    /// <summary>Advances to the next non-comment token.</summary>
    public void Advance()
    {
        PreviousEnd = End;
        do
        {
            ReadToken();
        }
        while (Kind == TokenKind.Comment);
    }

    /// <summary>Looks at the kind of the token after the current one without consuming it.</summary>
    public TokenKind PeekKind()
    {
        var saved = (Kind, Start, End, Line, Column, Value, _position, _line, _lineStart, PreviousEnd);
        Advance();
        var kind = Kind;
        (Kind, Start, End, Line, Column, Value, _position, _line, _lineStart, PreviousEnd) = saved;
        return kind;
    }

    private void ReadToken()
    {
        var body = _source;
        var length = body.Length;
        var position = _position;
        while (position < length)
        {
            var code = body[position];
            switch (code)
            {
                case '\uFEFF':
                case '\t':
                case ' ':
                case ',':
                    position++;
                    continue;
                case '\n':
                    position++;
                    _line++;
                    _lineStart = position;
                    continue;
                case '\r':
                    position += position + 1 < length && body[position + 1] == '\n' ? 2 : 1;
                    _line++;
                    _lineStart = position;
                    continue;
                case '#':
                    ReadComment(position);
                    return;
                case '!': Punct(TokenKind.Bang, position, 1); return;
                case '$': Punct(TokenKind.Dollar, position, 1); return;
                case '&': Punct(TokenKind.Amp, position, 1); return;
                case '(': Punct(TokenKind.ParenL, position, 1); return;
                case ')': Punct(TokenKind.ParenR, position, 1); return;
                case '.':
                    if (position + 2 < length && body[position + 1] == '.' && body[position + 2] == '.')
                    {
                        Punct(TokenKind.Spread, position, 3);
                        return;
                    }

                    break;
                case ':': Punct(TokenKind.Colon, position, 1); return;
                case '=': Punct(TokenKind.Equals, position, 1); return;
                case '@': Punct(TokenKind.At, position, 1); return;
                case '[': Punct(TokenKind.BracketL, position, 1); return;
                case ']': Punct(TokenKind.BracketR, position, 1); return;
                case '{': Punct(TokenKind.BraceL, position, 1); return;
                case '|': Punct(TokenKind.Pipe, position, 1); return;
                case '}': Punct(TokenKind.BraceR, position, 1); return;
                case '"':
                    if (position + 2 < length && body[position + 1] == '"' && body[position + 2] == '"')
                    {
                        ReadBlockString(position);
                    }
                    else
                    {
                        ReadString(position);
                    }

                    return;
            }

            if (IsDigit(code) || code == '-')
            {
                ReadNumber(position);
                return;
            }

            if (IsNameStart(code))
            {
                ReadName(position);
                return;
            }

            throw Error(position, code == '\'' || code == '"'
                ? "Unexpected single quote character ('), did you mean to use a double quote (\")?"
                : IsScalarAt(body, position)
                    ? $"Unexpected character: {PrintCodePointAt(position)}."
                    : $"Invalid character: {PrintCodePointAt(position)}.");
        }

        _position = length;
        SetToken(TokenKind.EndOfFile, length, length, null);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Punct(TokenKind kind, int start, int size) => SetToken(kind, start, start + size, null);

    private void SetToken(TokenKind kind, int start, int end, string? value)
    {
        Kind = kind;
        Start = start;
        End = end;
        Line = _line;
        Column = start - _lineStart + 1;
        Value = value;
        _position = end;
    }

    private void ReadComment(int start)
    {
        var body = _source;
        var position = start + 1;
        while (position < body.Length)
        {
            var code = body[position];
            if (code == '\n' || code == '\r')
            {
                break;
            }

            if (!IsScalarAt(body, position))
            {
                break;
            }

            position += char.IsHighSurrogate(code) ? 2 : 1;
        }

        SetToken(TokenKind.Comment, start, position, body.Substring(start + 1, position - start - 1));
    }

    private void ReadName(int start)
    {
        var body = _source;
        var position = start + 1;
        while (position < body.Length && IsNameContinue(body[position]))
        {
            position++;
        }

        SetToken(TokenKind.Name, start, position, NameTable.Intern(body.AsSpan(start, position - start)));
    }

    private void ReadNumber(int start)
    {
        var body = _source;
        var position = start;
        var isFloat = false;
        var code = body[position];
        if (code == '-')
        {
            code = CharAt(++position);
        }

        if (code == '0')
        {
            code = CharAt(++position);
            if (IsDigit(code))
            {
                throw Error(position, $"Invalid number, unexpected digit after 0: {PrintCodePointAt(position)}.");
            }
        }
        else
        {
            position = ReadDigits(position, code);
            code = CharAt(position);
        }

        if (code == '.')
        {
            isFloat = true;
            code = CharAt(++position);
            position = ReadDigits(position, code);
            code = CharAt(position);
        }

        if (code == 'E' || code == 'e')
        {
            isFloat = true;
            code = CharAt(++position);
            if (code == '+' || code == '-')
            {
                code = CharAt(++position);
            }

            position = ReadDigits(position, code);
            code = CharAt(position);
        }

        // Numbers cannot be followed by a `.` or a name start.
        if (code == '.' || IsNameStart(code))
        {
            throw Error(position, $"Invalid number, expected digit but got: {PrintCodePointAt(position)}.");
        }

        SetToken(isFloat ? TokenKind.Float : TokenKind.Int, start, position, body.Substring(start, position - start));
    }

    private int ReadDigits(int position, char first)
    {
        if (!IsDigit(first))
        {
            throw Error(position, $"Invalid number, expected digit but got: {PrintCodePointAt(position)}.");
        }

        var body = _source;
        position++;
        while (position < body.Length && IsDigit(body[position]))
        {
            position++;
        }

        return position;
    }

    private void ReadString(int start)
    {
        var body = _source;
        var length = body.Length;
        var position = start + 1;
        var chunkStart = position;
        StringBuilder? builder = null;
        while (position < length)
        {
            var code = body[position];
            if (code == '"')
            {
                string value;
                if (builder is null)
                {
                    value = body.Substring(chunkStart, position - chunkStart);
                }
                else
                {
                    builder.Append(body, chunkStart, position - chunkStart);
                    value = builder.ToString();
                }

                SetToken(TokenKind.String, start, position + 1, value);
                return;
            }

            if (code == '\\')
            {
                builder ??= new StringBuilder();
                builder.Append(body, chunkStart, position - chunkStart);
                position = ReadEscape(position, builder);
                chunkStart = position;
                continue;
            }

            if (code == '\n' || code == '\r')
            {
                break;
            }

            if (IsScalarAt(body, position))
            {
                position += char.IsHighSurrogate(code) ? 2 : 1;
            }
            else
            {
                throw Error(position, $"Invalid character within String: {PrintCodePointAt(position)}.");
            }
        }

        throw Error(position, "Unterminated string.");
    }

    private int ReadEscape(int position, StringBuilder builder)
    {
        var body = _source;
        var next = CharAt(position + 1);
        switch (next)
        {
            case '"': builder.Append('"'); return position + 2;
            case '\\': builder.Append('\\'); return position + 2;
            case '/': builder.Append('/'); return position + 2;
            case 'b': builder.Append('\b'); return position + 2;
            case 'f': builder.Append('\f'); return position + 2;
            case 'n': builder.Append('\n'); return position + 2;
            case 'r': builder.Append('\r'); return position + 2;
            case 't': builder.Append('\t'); return position + 2;
            case 'u':
                if (CharAt(position + 2) == '{')
                {
                    // Variable width: \u{1F600}
                    var p = position + 3;
                    var value = 0;
                    var digits = 0;
                    while (p < body.Length && digits <= 8)
                    {
                        var c = body[p];
                        if (c == '}')
                        {
                            break;
                        }

                        var h = HexValue(c);
                        if (h < 0)
                        {
                            digits = 99;
                            break;
                        }

                        value = (value << 4) | h;
                        digits++;
                        p++;
                        if (value > 0x10FFFF)
                        {
                            digits = 99;
                            break;
                        }
                    }

                    if (digits is > 0 and <= 8 && CharAt(p) == '}' && IsUnicodeScalar(value))
                    {
                        builder.Append(char.ConvertFromUtf32(value));
                        return p + 1;
                    }

                    var endOfEscape = Math.Min(body.Length, Math.Max(p + 1, position + 3));
                    throw Error(position, $"Invalid Unicode escape sequence: \"{body[position..endOfEscape]}\".");
                }
                else
                {
                    var code = ReadHex4(position + 2);
                    if (code >= 0 && IsUnicodeScalar(code))
                    {
                        builder.Append((char)code);
                        return position + 6;
                    }

                    // A leading surrogate followed by an escaped trailing one is one code point.
                    if (code is >= 0xD800 and <= 0xDBFF && CharAt(position + 6) == '\\' && CharAt(position + 7) == 'u')
                    {
                        var trailing = ReadHex4(position + 8);
                        if (trailing is >= 0xDC00 and <= 0xDFFF)
                        {
                            builder.Append((char)code).Append((char)trailing);
                            return position + 12;
                        }
                    }

                    throw Error(position, $"Invalid Unicode escape sequence: \"{body[position..Math.Min(body.Length, position + 6)]}\".");
                }

            default:
                throw Error(position, $"Invalid character escape sequence: \"{body[position..Math.Min(body.Length, position + 2)]}\".");
        }
    }

    private int ReadHex4(int position)
    {
        if (position + 4 > _source.Length)
        {
            return -1;
        }

        var a = HexValue(_source[position]);
        var b = HexValue(_source[position + 1]);
        var c = HexValue(_source[position + 2]);
        var d = HexValue(_source[position + 3]);
        return (a | b | c | d) < 0 ? -1 : (a << 12) | (b << 8) | (c << 4) | d;
    }

    private void ReadBlockString(int start)
    {
        var body = _source;
        var length = body.Length;
        var position = start + 3;
        var lineStart = _line;
        var lineStartOffset = _lineStart;
        var raw = new StringBuilder();
        var chunkStart = position;
        while (position < length)
        {
            var code = body[position];
            if (code == '"' && position + 2 < length && body[position + 1] == '"' && body[position + 2] == '"')
            {
                raw.Append(body, chunkStart, position - chunkStart);
                var value = BlockString.DedentBlockStringLines(raw.ToString());
                Kind = TokenKind.BlockString;
                Start = start;
                End = position + 3;
                Line = lineStart;
                Column = start - lineStartOffset + 1;
                Value = value;
                _position = End;
                return;
            }

            if (code == '\\' && position + 3 < length && body[position + 1] == '"' && body[position + 2] == '"' && body[position + 3] == '"')
            {
                raw.Append(body, chunkStart, position - chunkStart).Append("\"\"\"");
                position += 4;
                chunkStart = position;
                continue;
            }

            if (code == '\n' || code == '\r')
            {
                position += code == '\r' && position + 1 < length && body[position + 1] == '\n' ? 2 : 1;
                _line++;
                _lineStart = position;
                continue;
            }

            if (IsScalarAt(body, position))
            {
                position += char.IsHighSurrogate(code) ? 2 : 1;
            }
            else
            {
                throw Error(position, $"Invalid character within String: {PrintCodePointAt(position)}.");
            }
        }

        throw Error(position, "Unterminated string.");
    }

    private char CharAt(int position) => position < _source.Length ? _source[position] : '\0';

    /// <summary>Builds a syntax error at an offset, computing its line and column.</summary>
    public GraphQLSyntaxError Error(int position, string description)
    {
        var (line, column) = LineColumn(_source, position);
        return new GraphQLSyntaxError(description, position, line, column);
    }

    internal static (int Line, int Column) LineColumn(string body, int position)
    {
        var line = 1;
        var lineStart = 0;
        for (var i = 0; i < position && i < body.Length; i++)
        {
            var c = body[i];
            if (c == '\n')
            {
                line++;
                lineStart = i + 1;
            }
            else if (c == '\r')
            {
                if (i + 1 < body.Length && body[i + 1] == '\n')
                {
                    i++;
                }

                line++;
                lineStart = i + 1;
            }
        }

        return (line, position - lineStart + 1);
    }

    private string PrintCodePointAt(int position)
    {
        if (position >= _source.Length)
        {
            return "<EOF>";
        }

        int code = _source[position];
        if (char.IsHighSurrogate((char)code) && position + 1 < _source.Length && char.IsLowSurrogate(_source[position + 1]))
        {
            code = char.ConvertToUtf32(_source[position], _source[position + 1]);
        }

        if (code is >= 0x20 and <= 0x7E)
        {
            return code == '"' ? "'\"'" : "\"" + (char)code + "\"";
        }

        return "U+" + code.ToString("X4", CultureInfo.InvariantCulture);
    }

    private static bool IsScalarAt(string body, int position)
    {
        var c = body[position];
        if (!char.IsSurrogate(c))
        {
            return true;
        }

        return char.IsHighSurrogate(c) && position + 1 < body.Length && char.IsLowSurrogate(body[position + 1]);
    }

    private static bool IsUnicodeScalar(int code) => code is >= 0 and <= 0xD7FF or >= 0xE000 and <= 0x10FFFF;

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'F' => c - 'A' + 10,
        >= 'a' and <= 'f' => c - 'a' + 10,
        _ => -1,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsDigit(char c) => (uint)(c - '0') <= 9;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsNameStart(char c) => (uint)((c | 0x20) - 'a') <= 'z' - 'a' || c == '_';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsNameContinue(char c) => IsNameStart(c) || IsDigit(c);
}

/// <summary>A small, bounded, thread-local table that returns the same string instance for the same name.</summary>
internal static class NameTable
{
    private const int Size = 4096;

    [ThreadStatic]
    private static string?[]? t_slots;

    public static string Intern(ReadOnlySpan<char> name)
    {
        var slots = t_slots ??= new string?[Size];
        var hash = (uint)string.GetHashCode(name);
        ref var slot = ref slots[hash & (Size - 1)];
        var existing = slot;
        if (existing is not null && name.SequenceEqual(existing))
        {
            return existing;
        }

        var created = name.ToString();
        slot = created;
        return created;
    }
}

/// <summary>The spec's block string algorithms (BlockStringValue) and the printer's inverse.</summary>
public static class BlockString
{
    /// <summary>Applies the spec's BlockStringValue algorithm to a raw block string value (escaped quotes already replaced).</summary>
    public static string DedentBlockStringLines(string rawValue)
    {
        var lines = SplitLines(rawValue);
        int? commonIndent = null;
        var firstNonEmptyLine = -1;
        var lastNonEmptyLine = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var indent = LeadingWhitespace(line);
            if (indent == line.Length)
            {
                continue; // skip empty (whitespace-only) lines
            }

            if (firstNonEmptyLine < 0)
            {
                firstNonEmptyLine = i;
            }

            lastNonEmptyLine = i;
            if (i != 0 && (commonIndent is null || indent < commonIndent))
            {
                commonIndent = indent;
            }
        }

        if (firstNonEmptyLine < 0)
        {
            return string.Empty;
        }

        var builder = new StringBuilder(rawValue.Length);
        for (var i = firstNonEmptyLine; i <= lastNonEmptyLine; i++)
        {
            var line = lines[i];
            if (i != 0 && commonIndent is { } ci)
            {
                line = line.Length >= ci ? line[ci..] : string.Empty;
            }

            if (i != firstNonEmptyLine)
            {
                builder.Append('\n');
            }

            builder.Append(line);
        }

        return builder.ToString();
    }

    /// <summary>Prints a string as a block string (graphql-js printBlockString).</summary>
    public static string Print(string value, bool minimize = false)
    {
        var escaped = value.Replace("\"\"\"", "\\\"\"\"", StringComparison.Ordinal);
        var lines = SplitLines(escaped);
        var isSingleLine = lines.Count == 1;
        var forceLeadingNewLine = lines.Count > 1;
        for (var i = 1; i < lines.Count && forceLeadingNewLine; i++)
        {
            forceLeadingNewLine = lines[i].Length == 0 || lines[i][0] is ' ' or '\t';
        }

        var hasTrailingTripleQuotes = escaped.EndsWith("\\\"\"\"", StringComparison.Ordinal);
        var hasTrailingQuote = value.EndsWith('"') && !hasTrailingTripleQuotes;
        var hasTrailingSlash = value.EndsWith('\\');
        var forceTrailingNewline = hasTrailingQuote || hasTrailingSlash;
        var printAsMultipleLines = !minimize &&
            (!isSingleLine || value.Length > 70 || forceTrailingNewline || forceLeadingNewLine || hasTrailingTripleQuotes);
        var builder = new StringBuilder("\"\"\"");
        var skipLeadingNewLine = isSingleLine && value.Length > 0 && value[0] is ' ' or '\t';
        if ((printAsMultipleLines && !skipLeadingNewLine) || forceLeadingNewLine)
        {
            builder.Append('\n');
        }

        builder.Append(escaped);
        if (printAsMultipleLines || forceTrailingNewline)
        {
            builder.Append('\n');
        }

        return builder.Append("\"\"\"").ToString();
    }

    /// <summary>True when printing <paramref name="value"/> as a block string gives the same value back (graphql-js isPrintableAsBlockString).</summary>
    public static bool IsPrintableAsBlockString(string value)
    {
        var isEmptyLine = true;
        var hasIndent = false;
        var hasCommonIndent = true;
        var seenNonEmptyLine = false;
        foreach (var c in value)
        {
            switch (c)
            {
                case <= '\u0008' or '\u000B' or '\u000C' or (>= '\u000E' and <= '\u001F'):
                    return false;
                case '\r':
                    return false;
                case '\n':
                    if (isEmptyLine && !seenNonEmptyLine)
                    {
                        return false;
                    }

                    seenNonEmptyLine = true;
                    isEmptyLine = true;
                    hasIndent = false;
                    break;
                case '\t':
                case ' ':
                    hasIndent |= isEmptyLine;
                    break;
                default:
                    hasCommonIndent &= hasIndent;
                    isEmptyLine = false;
                    break;
            }
        }

        if (isEmptyLine)
        {
            return false;
        }

        return !(hasCommonIndent && seenNonEmptyLine);
    }

    private static int LeadingWhitespace(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is ' ' or '\t')
        {
            i++;
        }

        return i;
    }

    private static List<string> SplitLines(string value)
    {
        var lines = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\n' || c == '\r')
            {
                lines.Add(value[start..i]);
                if (c == '\r' && i + 1 < value.Length && value[i + 1] == '\n')
                {
                    i++;
                }

                start = i + 1;
            }
        }

        lines.Add(value[start..]);
        return lines;
    }
}
