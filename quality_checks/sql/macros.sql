-- identifier checks as duckdb macros, so suites can run where the data is.
-- uscc: gb 32100-2015, 18 characters from a 31-character set, weights 3^i mod 31.
create schema if not exists dq;

create or replace macro dq.uscc_ok(code) as
    case when not coalesce(regexp_full_match(code, '[0-9A-HJ-NP-RTUW-Y]{18}'), false) then false else
    substr(
        '0123456789ABCDEFGHJKLMNPQRTUWXY',
        (31 - cast(list_sum(list_transform(
            range(17)::bigint[],
            lambda i: (instr('0123456789ABCDEFGHJKLMNPQRTUWXY', substr(code, i + 1, 1)) - 1)
                * [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28][i + 1]
        )) as bigint) % 31) % 31 + 1,
        1
    ) = substr(code, 18, 1)
    end;

-- resident identity number: gb 11643-1999, iso 7064 mod 11-2 check digit, a real birth date
-- not after `today`. duckdb evaluates every operand of `and` on every row, so the checksum
-- below must not fail on what the regex already refused (15-digit, full-width, 1.1e17):
-- try_cast, and the case returns false before any arithmetic on a wrong shape.
create or replace macro dq.resident_id_ok(id, today) as
    case when not coalesce(regexp_full_match(id, '[0-9]{17}[0-9X]'), false) then false else
    substr(
        '10X98765432',
        cast(list_sum(list_transform(
            range(17)::bigint[],
            lambda i: coalesce(try_cast(substr(id, i + 1, 1) as integer), 0)
                * [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2][i + 1]
        )) as bigint) % 11 + 1,
        1
    ) = substr(id, 18, 1)
    and coalesce(try_strptime(substr(id, 7, 8), '%Y%m%d')::date between date '1900-01-01' and today, false)
    end;
