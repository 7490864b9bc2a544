using ESoviet.Web.Deliberation.Text;

namespace ESoviet.Web.Tests.Deliberation.Text;

public sealed class Linting_texts_for_personal_data
{
    [Theory]
    [InlineData("Call me on +44 20 7946 0958 tonight.", "+44 20 7946 0958")]
    [InlineData("UK with trunk zero: +44 (0) 20 7946 0958", "+44 (0) 20 7946 0958")]
    [InlineData("US: (555) 123-4567", "(555) 123-4567")]
    [InlineData("US: +1 (555) 123-4567", "+1 (555) 123-4567")]
    [InlineData("US: 555-123-4567", "555-123-4567")]
    [InlineData("US: 555.123.4567", "555.123.4567")]
    [InlineData("Berlin: 030 1234567", "030 1234567")]
    [InlineData("Berlin: 030/1234567", "030/1234567")]
    [InlineData("Handy: 0151 12345678", "0151 12345678")]
    [InlineData("Paris : 06 12 34 56 78", "06 12 34 56 78")]
    [InlineData("France: +33 6 12 34 56 78", "+33 6 12 34 56 78")]
    [InlineData("Poland: +48 123-456-789", "+48 123-456-789")]
    [InlineData("Spain: +34 612 345 678", "+34 612 345 678")]
    [InlineData("International, unseparated: +4915112345678", "+4915112345678")]
    [InlineData("International with 00: 0049 30 1234567", "0049 30 1234567")]
    [InlineData("National, unseparated: 01511234567", "01511234567")]
    [InlineData("tel: 612 345 678", "612 345 678")]
    public void Warns_about_phone_numbers(string text, string excerpt)
    {
        PrivacyLint.Check(text).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Kind = PrivacyWarningKind.PhoneNumber, Excerpt = excerpt, Index = text.IndexOf(excerpt, StringComparison.Ordinal) });
    }

    [Theory]
    [InlineData("The assembly meets on 2024-05-12 at 18:30.")]
    [InlineData("Meeting 12.05.2024, minutes of 3/4/2024")]
    [InlineData("Members since 1999, 2003 and 2008.")]
    [InlineData("Our history 1999 2003 2008 2012")]
    [InlineData("Term 2019-2023 and 2023/24.")]
    [InlineData("From 2024-05-12 - 2024-06-01 inclusive.")]
    [InlineData("Result: 12-3-1, so D-12 passes.")]
    [InlineData("Votes in favour 120, against 45, abstentions 12.")]
    [InlineData("Counts: 12 3 1 4 2 8 7")]
    [InlineData("Decision D-2024-117 replaces D-2023-98.")]
    [InlineData("Upgrade to version 10.0.401 or v2.14.1.1234.")]
    [InlineData("Budget: €1.250.000, or EUR 2 500 000, or 1,250,000 dollars.")]
    [InlineData("Budget 1 250 000 EUR.")]
    [InlineData("A plain 1.250.000 members.")]
    [InlineData("Server at 192.168.100.200")]
    [InlineData("ISBN 978-3-16-148410-0")]
    [InlineData("Membership number 12345678")]
    [InlineData("IBAN-free text with 3 motions and 40 members")]
    public void Stays_silent_on_numbers_deliberations_are_full_of(string text)
    {
        PrivacyLint.Check(text).Should().BeEmpty();
    }

    [Theory]
    [InlineData("Write to anna.k+board@harbour-coop.example.org please", "anna.k+board@harbour-coop.example.org")]
    [InlineData("mailto:x@example.com", "x@example.com")]
    [InlineData("<board@example.org>", "board@example.org")]
    public void Warns_about_email_addresses(string text, string excerpt)
    {
        PrivacyLint.Check(text).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Kind = PrivacyWarningKind.EmailAddress, Excerpt = excerpt });
    }

    [Theory]
    [InlineData("Thanks @anna and @bob_k")]
    [InlineData("Mention @harbour.")]
    [InlineData("user at example dot org")]
    public void Does_not_take_mentions_for_email_addresses(string text)
    {
        PrivacyLint.Check(text).Should().BeEmpty();
    }

    [Theory]
    [InlineData("She lives at 221B Baker Street now.", "221B Baker Street")]
    [InlineData("Deliver to 12 Harbour Rd. tomorrow", "12 Harbour Rd.")]
    [InlineData("5 Elm Ave, Springfield", "5 Elm Ave")]
    [InlineData("1600 Pennsylvania Avenue", "1600 Pennsylvania Avenue")]
    [InlineData("Springfield, IL 62704", "Springfield, IL 62704")]
    [InlineData("Er wohnt in der Hauptstraße 5.", "Hauptstraße 5")]
    [InlineData("Hauptstr. 5a", "Hauptstr. 5a")]
    [InlineData("Berliner Strasse 12", "Berliner Strasse 12")]
    [InlineData("Potsdamer Platz 1", "Potsdamer Platz 1")]
    [InlineData("Birkenweg 3/2", "Birkenweg 3/2")]
    [InlineData("Elle habite 12 rue de la Paix", "12 rue de la Paix")]
    [InlineData("5, avenue Victor Hugo", "5, avenue Victor")]
    [InlineData("Vive en Calle Mayor 12", "Calle Mayor 12")]
    [InlineData("Calle de Alcalá, 45", "Calle de Alcalá, 45")]
    [InlineData("Abita in Via Roma 10", "Via Roma 10")]
    [InlineData("Piazza del Duomo 1", "Piazza del Duomo 1")]
    [InlineData("Mieszka przy ul. Marszałkowska 10/12", "ul. Marszałkowska 10/12")]
    [InlineData("London SW1A 1AA", "SW1A 1AA")]
    [InlineData("Office:\n10115 Berlin", "10115 Berlin")]
    [InlineData("Siège, 75001 Paris", "75001 Paris")]
    [InlineData("Adres, 00-950 Warszawa", "00-950 Warszawa")]
    public void Warns_about_postal_addresses(string text, string excerpt)
    {
        PrivacyLint.Check(text).Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Kind = PrivacyWarningKind.PostalAddress, Excerpt = excerpt });
    }

    [Theory]
    [InlineData("The 2 Supreme Court judges agreed.")]
    [InlineData("We counted 25000 Stimmen in 2024.")]
    [InlineData("Smith et al. Nature 2020 found this.")]
    [InlineData("Spring 2024 assembly, 3 Working Groups.")]
    [InlineData("Motion 3 passed with 12 votes on the main street debate.")]
    [InlineData("In 2023 Members Voted.")]
    [InlineData("Via email 2 times")]
    public void Stays_silent_on_ordinary_sentences(string text)
    {
        PrivacyLint.Check(text).Should().BeEmpty();
    }

    [Fact]
    public void Reports_every_finding_in_order_with_a_reminder_that_the_archive_is_permanent()
    {
        var warnings = PrivacyLint.Check("Anna (anna@example.org, +49 30 1234567) lives at Hauptstraße 5, 10115 Berlin.");

        warnings.Select(w => (w.Kind, w.Excerpt)).Should().Equal(
            (PrivacyWarningKind.EmailAddress, "anna@example.org"),
            (PrivacyWarningKind.PhoneNumber, "+49 30 1234567"),
            (PrivacyWarningKind.PostalAddress, "Hauptstraße 5"),
            (PrivacyWarningKind.PostalAddress, "10115 Berlin"));
        warnings.Should().AllSatisfy(w => w.Message.Should().Contain(w.Excerpt).And.Contain("permanent archive"));
    }

    [Theory]
    [InlineData("Springfield Abc Def ")]
    [InlineData("A.B.C.D. ")]
    [InlineData("Via Abc ")]
    [InlineData("1 ")]
    public void Checks_the_longest_allowed_text_of_near_misses_and_finds_nothing(string unit)
    {
        // Unbounded word quantifiers once took 4–15 s on these inputs; the patterns are bounded now. How long the
        // check takes is a benchmark's business, not a unit test's: this only proves the result.
        var text = string.Concat(Enumerable.Repeat(unit, 100_000 / unit.Length));

        PrivacyLint.Check(text).Where(w => w.Kind == PrivacyWarningKind.EmailAddress).Should().BeEmpty();
    }

    [Fact]
    public void Stops_after_fifty_warnings()
    {
        var text = string.Join(", ", Enumerable.Range(0, 200).Select(i => $"member{i}@example.org"));

        PrivacyLint.Check(text).Should().HaveCount(PrivacyLint.MaxWarnings);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Has_nothing_to_say_about_empty_text(string? text)
    {
        PrivacyLint.Check(text).Should().BeEmpty();
    }
}
