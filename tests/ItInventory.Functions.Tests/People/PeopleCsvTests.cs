using System.Text;
using ItInventory.Functions.People;

namespace ItInventory.Functions.Tests.People;

public sealed class PeopleCsvTests
{
    private static (ParsedPeople? People, string? Error) Parse(string csv, int maxRows = 100) =>
        PeopleCsv.Parse(Encoding.UTF8.GetBytes(csv), maxRows);

    [Fact]
    public void Columns_may_come_in_any_order_and_employee_id_is_optional()
    {
        var (people, error) = Parse(
            "status,email,objectId,displayName,department,managerObjectId\r\nactive,a@example.com,"
                + "10000000-0000-4000-8000-00000000000A,Ann,,\r\n"
        );

        Assert.Null(error);
        var row = Assert.Single(people!.Rows);
        Assert.Equal("10000000-0000-4000-8000-00000000000a", row.ObjectId);
        Assert.Equal(PersonStatus.Active, row.Status);
        Assert.Null(row.Department);
        Assert.Equal(2, row.Row);
    }

    [Fact]
    public void More_rows_than_allowed_is_an_error()
    {
        var csv = new StringBuilder("objectId,displayName,email,department,managerObjectId,status\n");
        for (var i = 0; i < 3; i++)
            csv.Append($"{Guid.NewGuid()},P,p@example.com,,,Active\n");

        Assert.NotNull(Parse(csv.ToString(), maxRows: 2).Error);
        Assert.Null(Parse(csv.ToString(), maxRows: 3).Error);
    }

    [Theory]
    [InlineData("a@b")]
    [InlineData("a b@example.com")]
    [InlineData("@example.com")]
    [InlineData("a@@example.com")]
    [InlineData("a@example.")]
    public void Malformed_emails_are_rejected(string email)
    {
        var (people, _) = Parse(
            $"objectId,displayName,email,department,managerObjectId,status\n{Guid.NewGuid()},P,{email},,,Active\n"
        );

        Assert.Equal("email", Assert.Single(people!.Rejections).Field);
    }

    [Fact]
    public void Unknown_or_repeated_columns_are_errors()
    {
        Assert.NotNull(Parse("objectId,displayName,email,department,managerObjectId,status,extra\n").Error);
        Assert.NotNull(Parse("objectId,objectId,displayName,email,department,managerObjectId,status\n").Error);
    }

    [Fact]
    public void Written_people_parse_back_to_the_same_values()
    {
        var person = new PersonEntity
        {
            PartitionKey = Guid.NewGuid().ToString("D"),
            DisplayName = "=cmd, \"x\"\nnext",
            Email = "p@example.com",
            Department = "R&D; Lab",
            Status = "Departed",
            EmployeeId = "007",
        };

        var (people, error) = PeopleCsv.Parse(PeopleCsv.Write([person]), 10);

        Assert.Null(error);
        var row = Assert.Single(people!.Rows);
        Assert.Equal(
            (person.ObjectId, person.DisplayName, person.Department, PersonStatus.Departed, "007"),
            (row.ObjectId, row.DisplayName, row.Department, row.Status, row.EmployeeId)
        );
    }
}
