import type { Row } from '@libsql/client';

export const now = (): string => new Date().toISOString();

export const str = (row: Row, column: string): string => String(row[column]);
export const optStr = (row: Row, column: string): string | null => (row[column] == null ? null : String(row[column]));
export const num = (row: Row, column: string): number => Number(row[column]);
export const optNum = (row: Row, column: string): number | null => (row[column] == null ? null : Number(row[column]));
export const bool = (row: Row, column: string): boolean => Number(row[column]) !== 0;
export const json = <T>(row: Row, column: string): T => JSON.parse(String(row[column])) as T;
