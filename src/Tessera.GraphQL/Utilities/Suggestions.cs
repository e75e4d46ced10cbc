namespace Tessera.GraphQL.Utilities;

/// <summary>
/// "Did you mean" hints, worded and ordered like graphql-js (<c>didYouMean</c>, <c>suggestionList</c>,
/// <c>naturalCompare</c>) so messages compare equal with the reference implementation.
/// </summary>
internal static class Suggestions
{
    private const int MaxSuggestions = 5;

    /// <summary>Formats <c> Did you mean "a", "b", or "c"?</c>; empty when there is nothing to suggest.</summary>
    public static string DidYouMean(IReadOnlyList<string> suggestions) => DidYouMean(null, suggestions);

    public static string DidYouMean(string? subMessage, IReadOnlyList<string> suggestions)
    {
        if (suggestions.Count == 0)
        {
            return string.Empty;
        }

        var sb = new System.Text.StringBuilder(" Did you mean ");
        if (subMessage is not null)
        {
            sb.Append(subMessage).Append(' ');
        }

        switch (suggestions.Count)
        {
            case 1:
                return sb.Append('"').Append(suggestions[0]).Append("\"?").ToString();
            case 2:
                return sb.Append('"').Append(suggestions[0]).Append("\" or \"").Append(suggestions[1]).Append("\"?").ToString();
        }

        var count = Math.Min(suggestions.Count, MaxSuggestions);
        for (var i = 0; i < count - 1; i++)
        {
            sb.Append('"').Append(suggestions[i]).Append("\", ");
        }

        return sb.Append("or \"").Append(suggestions[count - 1]).Append("\"?").ToString();
    }

    /// <summary>The options close enough to <paramref name="input"/>, closest first.</summary>
    public static List<string> List(string input, IEnumerable<string> options)
    {
        var found = new List<(string Option, int Distance)>();
        var lexical = new LexicalDistance(input);
        var threshold = (int)Math.Floor(input.Length * 0.4) + 1;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var option in options)
        {
            if (!seen.Add(option))
            {
                continue;
            }

            var distance = lexical.Measure(option, threshold);
            if (distance >= 0)
            {
                found.Add((option, distance));
            }
        }

        found.Sort(static (a, b) => a.Distance != b.Distance ? a.Distance - b.Distance : NaturalCompare(a.Option, b.Option));
        var result = new List<string>(found.Count);
        foreach (var (option, _) in found)
        {
            result.Add(option);
        }

        return result;
    }

    /// <summary>Compares strings treating runs of digits as numbers (graphql-js <c>naturalCompare</c>).</summary>
    public static int NaturalCompare(string a, string b)
    {
        var aIndex = 0;
        var bIndex = 0;
        while (aIndex < a.Length && bIndex < b.Length)
        {
            int aChar = a[aIndex];
            int bChar = b[bIndex];
            if (IsDigit(aChar) && IsDigit(bChar))
            {
                long aNum = 0;
                do
                {
                    ++aIndex;
                    aNum = (aNum * 10) + aChar - '0';
                    aChar = aIndex < a.Length ? a[aIndex] : -1;
                }
                while (IsDigit(aChar) && aNum > 0);

                long bNum = 0;
                do
                {
                    ++bIndex;
                    bNum = (bNum * 10) + bChar - '0';
                    bChar = bIndex < b.Length ? b[bIndex] : -1;
                }
                while (IsDigit(bChar) && bNum > 0);

                if (aNum < bNum)
                {
                    return -1;
                }

                if (aNum > bNum)
                {
                    return 1;
                }
            }
            else
            {
                if (aChar < bChar)
                {
                    return -1;
                }

                if (aChar > bChar)
                {
                    return 1;
                }

                ++aIndex;
                ++bIndex;
            }
        }

        return a.Length - b.Length;
    }

    private static bool IsDigit(int c) => c >= '0' && c <= '9';

    /// <summary>
    /// Sorts like V8's <c>Array.prototype.sort</c> for short arrays (one run, then binary insertion), which matters
    /// when the comparison is not a total order, as graphql-js's ordering of suggested types is not.
    /// </summary>
    public static void JsSort<T>(List<T> items, Comparison<T> compare)
    {
        var n = items.Count;
        if (n < 2)
        {
            return;
        }

        if (n >= 64)
        {
            // Past one minimum run V8 merges runs; any stable sort agrees with it for a total order.
            var sorted = items.Select((item, index) => (item, index)).ToList();
            sorted.Sort((a, b) => compare(a.item, b.item) is var c && c != 0 ? c : a.index - b.index);
            for (var i = 0; i < n; i++)
            {
                items[i] = sorted[i].item;
            }

            return;
        }

        // CountAndMakeRun: the longest ascending, or strictly descending (then reversed), prefix.
        var runLength = 2;
        var descending = compare(items[1], items[0]) < 0;
        for (var i = 2; i < n; i++)
        {
            var order = compare(items[i], items[i - 1]);
            if (descending ? order >= 0 : order < 0)
            {
                break;
            }

            runLength++;
        }

        if (descending)
        {
            items.Reverse(0, runLength);
        }

        // BinaryInsertionSort of the rest into the run.
        for (var start = runLength; start < n; start++)
        {
            var pivot = items[start];
            var left = 0;
            var right = start;
            while (left < right)
            {
                var mid = left + ((right - left) >> 1);
                if (compare(pivot, items[mid]) < 0)
                {
                    right = mid;
                }
                else
                {
                    left = mid + 1;
                }
            }

            for (var p = start; p > left; p--)
            {
                items[p] = items[p - 1];
            }

            items[left] = pivot;
        }
    }

    /// <summary>Damerau-Levenshtein distance where a change of case alone counts as one edit.</summary>
    private sealed class LexicalDistance
    {
        private readonly string _input;
        private readonly string _inputLowerCase;
        private readonly int[][] _rows;

        public LexicalDistance(string input)
        {
            _input = input;
            _inputLowerCase = input.ToLowerInvariant();
            _rows = [new int[input.Length + 1], new int[input.Length + 1], new int[input.Length + 1]];
        }

        /// <summary>The distance, or -1 when it exceeds <paramref name="threshold"/>.</summary>
        public int Measure(string option, int threshold)
        {
            if (_input == option)
            {
                return 0;
            }

            var optionLowerCase = option.ToLowerInvariant();
            if (_inputLowerCase == optionLowerCase)
            {
                return 1;
            }

            var a = optionLowerCase;
            var b = _inputLowerCase;
            if (a.Length < b.Length)
            {
                (a, b) = (b, a);
            }

            var aLength = a.Length;
            var bLength = b.Length;
            if (aLength - bLength > threshold)
            {
                return -1;
            }

            var rows = _rows;
            for (var j = 0; j <= bLength; j++)
            {
                rows[0][j] = j;
            }

            for (var i = 1; i <= aLength; i++)
            {
                var upRow = rows[(i - 1) % 3];
                var currentRow = rows[i % 3];
                var smallestCell = currentRow[0] = i;
                for (var j = 1; j <= bLength; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    var currentCell = Math.Min(Math.Min(upRow[j] + 1, currentRow[j - 1] + 1), upRow[j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        var doubleDiagonalCell = rows[(i - 2) % 3][j - 2];
                        currentCell = Math.Min(currentCell, doubleDiagonalCell + 1);
                    }

                    if (currentCell < smallestCell)
                    {
                        smallestCell = currentCell;
                    }

                    currentRow[j] = currentCell;
                }

                if (smallestCell > threshold)
                {
                    return -1;
                }
            }

            var distance = rows[aLength % 3][bLength];
            return distance <= threshold ? distance : -1;
        }
    }
}
