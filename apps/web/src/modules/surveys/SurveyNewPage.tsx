export default function SurveyNewPage() {
  return null;
}
