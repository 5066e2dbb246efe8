// What `analyze` answers: the shape of its JSON (--json) and what its table (analyze-table.ts) prints.

export interface Ranked {
  id: number;
  text: string;
  prob: number;
}

export interface Analysis {
  tokens: { id: number; text: string; start: number; end: number }[];
  next: Ranked[]; // top 10 at the last position
  lens: { layer: number; top: Ranked[] }[]; // layers 0..L at the last position
  hidden?: number[][][]; // [L+1][T][d]
  attention?: number[][][][]; // [L][H][T][T]
  q?: number[][][][]; // [L][H][T][d/H]
  k?: number[][][][];
  v?: number[][][][];
}
