using System.Diagnostics;

namespace ESoviet.Verify.Tests;

/// <summary>The command line: what it prints, and its exit status (0 holds, 1 does not, 2 asked wrongly).</summary>
public sealed class Running_the_verifier : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("esoviet-verify-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = Cli.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    private static HandMadeLedger ClosedVote()
    {
        var ledger = new HandMadeLedger();
        ledger.Founded();
        var proposal = Guid.NewGuid();
        ledger.Drafted(proposal);
        ledger.Opened(proposal, ["anna", "boris", "clara"]);
        ledger.Vote(proposal, "anna", "for");
        ledger.Vote(proposal, "boris", "against");
        ledger.Vote(proposal, "clara", "for");
        ledger.Closed(proposal, 3, 2, 1, 0, "adopted");
        return ledger;
    }

    [Fact]
    public void A_ledger_that_holds_exits_0_with_a_short_report()
    {
        var file = Write("ok.jsonl", ClosedVote().Text);

        var (exit, output, _) = Run(file);

        exit.Should().Be(0);
        output.Should().Contain("entries:       7").And.Contain("organizations: 1").And.Contain("proposals recounted: 1")
            .And.Contain("electorate 3  for 2  against 1  abstain 0  -> adopted").And.Contain("OK:");
    }

    [Fact]
    public void A_ledger_that_does_not_hold_exits_1_naming_the_first_bad_line()
    {
        var lines = ClosedVote().Lines.ToList();
        lines[4] = lines[4].Replace("\"against\"", "\"for\"");
        var file = Write("bad.jsonl", string.Concat(lines.Select(l => l + "\n")));

        var (exit, output, _) = Run(file);

        exit.Should().Be(1);
        output.Should().Contain($"FAILED at line 5 of {file}");
    }

    [Theory]
    [InlineData]
    [InlineData("--frobnicate", "x.jsonl")]
    [InlineData("/nonexistent/ledger.jsonl")]
    public void Asking_wrongly_exits_2(params string[] args) =>
        Run(args).Exit.Should().Be(2);

    [Fact]
    public void Help_exits_2_with_the_usage() =>
        Run("--help").Output.Should().Contain("usage: ESoviet.Verify");

    [Fact]
    public void The_real_program_exits_with_the_same_status()
    {
        var good = Write("good.jsonl", ClosedVote().Text);
        var bad = Write("truncated.jsonl", string.Concat(ClosedVote().Lines.Where((_, i) => i != 3).Select(l => l + "\n")));

        RunProcess(good).Should().Be(0);
        RunProcess(bad).Should().Be(1);
        RunProcess().Should().Be(2);
    }

    private static int RunProcess(params string[] args)
    {
        var program = Path.Combine(AppContext.BaseDirectory, "ESoviet.Verify.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(program);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode;
    }
}

/// <summary>docs/ledger.md is the specification: its worked example must check out exactly as printed there.</summary>
public sealed class The_documented_example
{
    private static readonly string[] Lines = File.ReadAllLines(Path.Combine(ESoviet.Testing.RepositoryRoot.Path, "docs", "ledger.md"))
        .Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^\\{\"hash\":\"[0-9a-f]{64}\""))
        .ToArray();

    [Fact]
    public void The_example_export_holds_with_the_documented_head_and_count()
    {
        var report = Verifying.Verify(string.Concat(Lines.Select(l => l + "\n")));

        report.Ok.Should().BeTrue(report.FirstProblem?.ToString());
        report.Entries.Should().Be(6);
        report.Chains.Single().Head.Should().Be("aafce539857ef61bb3d75f4bc2c5bbb4dc62e1547c39c8288b18a2d545a62aa9");
        report.Recounts.Single().Outcome.Should().Be(Outcome.Adopted);
    }

    [Fact]
    public void The_documented_offsets_split_every_example_line()
    {
        foreach (var line in Lines)
        {
            var prev = line.Substring(83, 64);
            var entry = line[157..^1];
            HandMadeLedger.Hash(prev, entry).Should().Be(line.Substring(9, 64));
        }
    }
}
