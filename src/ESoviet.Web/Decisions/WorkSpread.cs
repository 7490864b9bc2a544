namespace ESoviet.Web.Decisions;

/// <summary>
/// How evenly the organization's work is spread, from each member's count of implemented decisions (members with
/// none count as zeros). Pure functions, so the figures can be checked on known distributions.
/// </summary>
public static class WorkSpread
{
    /// <summary>
    /// The Gini coefficient: 0 when everyone did the same, (n−1)/n — the most possible among n members — when one
    /// member did everything. 0 when nobody did anything (there is no inequality in nothing).
    /// </summary>
    public static double Gini(IReadOnlyCollection<int> counts)
    {
        var n = counts.Count;
        long total = counts.Sum(c => (long)c);
        if (n == 0 || total == 0) return 0;
        // With the counts sorted ascending, G = 2·Σ i·x_i / (n·Σ x) − (n+1)/n, i from 1: the mean absolute difference over twice the mean.
        long weighted = 0;
        var i = 0;
        foreach (var c in counts.Order()) weighted += (long)++i * c;
        return 2.0 * weighted / ((double)n * total) - (n + 1.0) / n;
    }

    /// <summary>How many members make the most active tenth: a tenth rounded up, so at least one.</summary>
    public static int TopTenthSize(int members) => members <= 0 ? 0 : (members + 9) / 10;

    /// <summary>The share (0 to 1) of all implemented decisions implemented by the most active tenth of members.</summary>
    public static double TopTenthShare(IReadOnlyCollection<int> counts)
    {
        long total = counts.Sum(c => (long)c);
        if (total == 0) return 0;
        long top = counts.OrderDescending().Take(TopTenthSize(counts.Count)).Sum(c => (long)c);
        return (double)top / total;
    }
}
